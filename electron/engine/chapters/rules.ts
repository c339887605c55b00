/**
 * The rules a chapter's checks enforce, one per symptom (`chapter.<symptom>`), in the student's
 * words: what a failing chapter test names as the rule broken, beside the chapter's own rule it was
 * testing. A mutant's `// expect-rule:` header names them too.
 */
import type { Symptom } from './checks.js';

export const CHAPTER_SYMPTOM_RULES: Record<Symptom, string> = {
  'non-prefix-views': "Every two clients' views of the log are prefixes of each other: one order of the commands explains every answer.",
  'lock-held-twice': 'No two clients hold the lock at once: one order of the acquires and releases explains every answer.',
  'not-linearizable': "Every answer is one a single server executing the commands in one order could have given.",
  'divergent-replicas': 'Every replica that executes a log position executes the same command there.',
  'nothing-executed': 'Every replica up at the end has executed every command some replica executed.',
  'different-value-chosen': 'Once a majority voted for a value in a log position, no later round proposes or votes for another value there.',
  'no-answer': 'Every client operation gets an answer.',
};

/** A pinned execution the node could not follow: a step found no message or timer it names. */
export const CHAPTER_SCRIPT_RULE = 'chapter.script';
export const CHAPTER_SCRIPT_RULE_TEXT = "The node takes part in the chapter's pinned execution: every step finds the message or the timer it names.";

/** Every `chapter.*` rule id with its text. */
export const CHAPTER_RULES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(CHAPTER_SYMPTOM_RULES).map(([s, text]) => [`chapter.${s}`, text])),
  [CHAPTER_SCRIPT_RULE]: CHAPTER_SCRIPT_RULE_TEXT,
};
