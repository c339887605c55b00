/**
 * Which lab rule a wrong output breaks. A trace step is tagged with the rule it tests, but a student's
 * output can go wrong before that rule even applies: the do-nothing starter returns null where the
 * step tests the vote a promise carries, and what it breaks first is the rule that a higher PREPARE
 * gets a promise at all. So the rule is found from the kind of difference between the expected and
 * the actual output ('missing', 'unexpected', or the fields that differ, in LAB-API.md's order). The
 * first difference (in that order) that some rule claims decides:
 *
 * 1. the step's `blame` for that difference, where the trace makes the cause certain;
 * 2. the step's own rule, when the manifest says it covers that difference for this handler;
 * 3. the first rule of the manifest that covers it.
 *
 * When no rule claims any difference, the step's own rule is named.
 */
import type { LabRule } from '../labs/manifest-schema.js';

/** The rule id a failing step names: see the module comment for the order. */
export function attributeRule(rules: LabRule[], step: { rule: string; call: string; blame?: Record<string, string> }, diffs: string[]): string {
  const covers = (r: LabRule | undefined, d: string) => r?.covers?.[step.call]?.includes(d) ?? false;
  const own = rules.find((r) => r.id === step.rule);
  for (const d of diffs) {
    const blamed = step.blame?.[d];
    if (blamed) return blamed;
    if (covers(own, d)) return step.rule;
    const owner = rules.find((r) => covers(r, d));
    if (owner) return owner.id;
  }
  return step.rule;
}
