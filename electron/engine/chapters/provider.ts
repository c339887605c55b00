/**
 * The node-test provider `chapter` (the default for a manifest with a `chapter` field): a chapter's
 * tests graded against a student's node. `list` reads the pack in the grading process and hands
 * each test over as data (a pinned test takes its script along: the sandbox reads no files);
 * `run`, in the sandbox's harness realm, plays the pinned execution or every seed of a random test
 * with the guarded student class on every node and judges the runs with the chapter's checks. A
 * failure names the symptom's rule (`chapter.<symptom>`, or `chapter.script` for a script the node
 * could not follow) and carries the failing run's trace; the chapter's own rule is what the test
 * was testing. A search test is a node-search configuration, run by the node search.
 */
import type { PaxosNodeClass } from '@paxlab/sdk';
import { parseNodeSearchConfig } from '../node-search/config.js';
import { registerNodeTestProvider, type NodeCheckFailure, type NodeLabInfo, type NodeRunContext, type NodeRunOutcome, type NodeTestSpec } from '../node-labs/provider.js';
import { runPinnedSim } from '../pinned/sim-runner.js';
import type { PinnedScript } from '../pinned/script.js';
import { checkName, type CheckVerdict } from './checks.js';
import { runRandomSeed, testSeeds } from './random-run.js';
import { judgePinned } from './run-test.js';
import { CHAPTER_RULES, CHAPTER_SCRIPT_RULE, CHAPTER_SCRIPT_RULE_TEXT } from './rules.js';
import type { PinnedTestDef, RandomTestDef } from './tests.js';

export type ChapterRunPayload = { chapter: string; test: PinnedTestDef; script: PinnedScript } | { chapter: string; test: RandomTestDef };

/** Checks whose failure is a broken safety property (the others are about progress). */
const PROGRESS_CHECKS = new Set(['complete', 'answered']);

export function verdictFailure(v: CheckVerdict): NodeCheckFailure {
  const rule = `chapter.${v.symptom ?? v.check}`;
  return { check: v.check, rule, ruleText: CHAPTER_RULES[rule], message: v.message, events: v.events, safety: !PROGRESS_CHECKS.has(v.check) };
}

function describeRandom(t: RandomTestDef): string {
  const n = t.network ?? {};
  const net = [n.loss ? `loss ${n.loss}` : '', n.dup ? `dup ${n.dup}` : '', n.minDelayMs !== undefined || n.maxDelayMs !== undefined ? `delays ${n.minDelayMs ?? 0}–${n.maxDelayMs ?? '?'} ms` : ''].filter(Boolean);
  const f = t.faults ? `, faults ${JSON.stringify(t.faults)}` : '';
  const workload = typeof t.clients.workload === 'string' ? t.clients.workload : t.clients.workload.kind;
  return `${t.nodes} node${t.nodes === 1 ? '' : 's'}, ${t.clients.count} client${t.clients.count === 1 ? '' : 's'} (${workload})${net.length ? `, ${net.join(', ')}` : ''}${f}`;
}

export function runChapterPayload(payload: ChapterRunPayload, ctx: NodeRunContext): NodeRunOutcome {
  const cls = ctx.student as unknown as PaxosNodeClass<any>;
  const t = payload.test;
  const checks = t.checks.map(checkName).join(', ');
  if (t.kind === 'pinned') {
    const p = payload as { script: PinnedScript };
    const run = runPinnedSim(p.script, cls, { title: `${payload.chapter}: ${t.title}` });
    const bad = judgePinned(run, t).find((v) => !v.ok);
    // What the clients or the replicas show decides; a script the node could not follow comes next.
    if (bad) return { passed: false, runs: 1, failed: verdictFailure(bad), trace: run.trace, description: `the pinned execution '${p.script.name}'` };
    if (run.error) {
      const failed: NodeCheckFailure = { check: 'script', rule: CHAPTER_SCRIPT_RULE, ruleText: CHAPTER_SCRIPT_RULE_TEXT, message: `the pinned execution '${p.script.name}' stopped at step ${run.error.message}`, events: [] };
      return { passed: false, runs: 1, failed, trace: run.trace };
    }
    return { passed: true, runs: 1, notes: [`the pinned execution '${p.script.name}' passed every check (${checks})`] };
  }
  const seeds = ctx.seed !== undefined ? [ctx.seed] : testSeeds(t);
  let runs = 0;
  for (const seed of seeds) {
    ctx.setSeed(seed);
    const r = runRandomSeed(t, cls, seed, `${payload.chapter}: ${t.title} (seed ${seed})`);
    runs++;
    const bad = r.verdicts.find((v) => !v.ok);
    ctx.progress({ seed, ok: !bad });
    if (bad) return { passed: false, runs, seed, failed: verdictFailure(bad), trace: r.trace, description: describeRandom(t) };
  }
  return { passed: true, runs, notes: [`${runs} seed${runs === 1 ? '' : 's'} passed every check (${checks})`] };
}

registerNodeTestProvider({
  id: 'chapter',
  async list(lab: NodeLabInfo): Promise<NodeTestSpec[]> {
    // Loaded here, not at the top: the sandbox bundles this module for run() and never reads a pack.
    const { readChapter } = await import('./pack.js');
    const pack = readChapter(lab.dir);
    return pack.tests.map((t): NodeTestSpec => {
      const base = { name: t.name, title: t.title, rule: t.rule, weight: t.weight ?? 1, set: 'public' as const };
      if (t.kind === 'search') return { ...base, kind: 'search', payload: parseNodeSearchConfig({ nodes: pack.manifest.chapter.nodes, ...t.search }, `${pack.id}: ${t.name}: search`) };
      const payload: ChapterRunPayload = t.kind === 'pinned' ? { chapter: pack.id, test: t, script: pack.script(t.script) } : { chapter: pack.id, test: t };
      return { ...base, kind: 'run', payload };
    });
  },
  run(payload: unknown, ctx: NodeRunContext): NodeRunOutcome {
    return runChapterPayload(payload as ChapterRunPayload, ctx);
  },
});
