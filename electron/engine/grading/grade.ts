/**
 * gradeModule: build a student's role module, load it in a sandbox, run the lab's tests of every
 * registered kind, and return one report with points. The desktop app, the CLI and the lab check
 * all grade through here.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BUNDLE_NAME, bundleStudentModule, prepareTypeCheck, typeCheckStudentModule, withTypeDiagnostics, type BuildOk } from '../build/build-student.js';
import type { Diagnostic } from '../build/diagnostics.js';
import { loadLab, type LabPack } from '../labs/lab-pack.js';
import { killAllOnExit } from '../cluster/exit-hooks.js';
import { confinement, type Confinement } from './confinement.js';
import { Sandbox } from './sandbox.js';
import { createStackMapper } from './stack-map.js';
import { testKind, testKinds, type GradeTest, type TestEnv } from './test-kinds.js';
import { breaksSafety, type TestResult } from './verdict.js';
import { HARNESS_RULE } from './sandbox-deaths.js';
import type { SerializedError } from './sandbox-protocol.js';
import { exportsOf } from '../labs/role-spec.js';
import './kinds/index.js';

export type TestKindName = 'trace' | 'scenario' | 'search' | 'node' | 'node-search';

export interface GradeOptions {
  /** Also run the instructor-only (hidden) tests. */
  hidden?: boolean;
  /** Only these kinds of tests (default: every registered kind). */
  only?: TestKindName[];
  /** Seed for randomized kinds (scenario tests): reproduces one run. */
  seed?: number;
  /** Called after each test. */
  onProgress?: (done: number, total: number, verdict?: TestResult) => void;
  /** Override the manifest's limits (tests use short ones). */
  limits?: Partial<{ callMs: number; memoryMb: number }>;
  /** The submission folder (relative imports may not leave it). Default: the module's folder. */
  root?: string;
  /** Type errors: fail the build (default), warn, or skip the check. */
  typeCheck?: 'error' | 'warn' | 'off';
  /** Stop once this holds for the results so far (`lab check`: every rule a mutant expects is named); the report then covers the tests run. */
  stopWhen?: (results: readonly TestResult[]) => boolean;
}

export interface GradeReport {
  lab: { id: string; title: string; role: string };
  /** The graded module, as given. */
  module: string;
  /** graded: tests ran; build-error: it did not compile; load-error: it compiled but would not load. */
  status: 'graded' | 'build-error' | 'load-error';
  /** True when every test passed (and there was at least one). */
  passed: boolean;
  score: number;
  maxScore: number;
  counts: { passed: number; failed: number; total: number };
  /** Build errors (status build-error) or warnings. */
  diagnostics: Diagnostic[];
  loadError?: { message: string; stack?: string; output?: string };
  /**
   * Set when some scenario or search test found a safety violation (agreement, validity, integrity,
   * chosen-invariant, learner-safety): which tests, which checkers, and the cap it put on the score
   * (manifest `safety.cap` times the points). Reports show it first.
   */
  safety?: SafetyVerdict;
  tests: TestResult[];
  /** Whether hidden tests ran (asked for, and the sandbox could be confined). */
  hidden: boolean;
  /** How student code was confined; hidden tests run only when it was. */
  confinement: Confinement;
  durationMs: number;
}

export interface SafetyVerdict {
  /** The failing tests, e.g. 'search:all-orders', and the checkers they broke. */
  tests: string[];
  checkers: string[];
  /** The most the submission can score (cap × points), and whether the cap lowered its score. */
  maxScore: number;
  capped: boolean;
}

/**
 * Each test's share of the lab's points, in tenths of a point, in proportion to its weight. Rounded
 * by largest remainder so that the shares add up to the points exactly, however many tests (and
 * kinds) run: every share reads as a whole or one-decimal number.
 */
export function apportionTenths(points: number, weights: number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (!(total > 0)) return weights.map(() => 0);
  const tenths = Math.round(points * 10);
  const exact = weights.map((w) => (tenths * w) / total);
  const out = exact.map(Math.floor);
  const order = exact.map((x, i) => ({ rest: x - out[i], i })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let left = tenths - out.reduce((s, x) => s + x, 0), k = 0; left > 0; left--, k++) out[order[k % order.length].i]++;
  return out;
}

/** The safety verdict of a graded run, if some test broke safety; `earned` is the sum of the points passed, in tenths. */
export function safetyVerdict(results: TestResult[], points: number, cap: number | undefined, earned: number): SafetyVerdict | undefined {
  const broken = results.filter((r) => !r.passed && breaksSafety(r.failure));
  if (broken.length === 0) return undefined;
  const maxTenths = Math.floor(Math.round(points * 10) * (cap ?? 1) + 1e-9);
  return {
    tests: broken.map((r) => r.id),
    checkers: [...new Set(broken.map((r) => r.failure!.checker!))],
    maxScore: maxTenths / 10,
    capped: earned > maxTenths,
  };
}

/** The tests gradeModule would run for a lab (every registered kind, or those in `only`), without running them. */
export async function listGradeTests(labId: string, opts: Pick<GradeOptions, 'hidden' | 'only' | 'seed'> = {}): Promise<GradeTest[]> {
  return listTests(await loadLab(labId), opts);
}

export async function gradeModule(labId: string, modulePath: string, opts: GradeOptions = {}): Promise<GradeReport> {
  const started = performance.now();
  // TypeScript loads and parses its libraries in its process while the lab and the module load.
  prepareTypeCheck({ typeCheck: opts.typeCheck });
  const lab = await loadLab(labId);
  const confined = confinement();
  // Hidden tests never run where student code cannot be confined.
  const hidden = (opts.hidden ?? false) && confined.confined;
  const base = {
    lab: { id: lab.id, title: lab.manifest.title, role: lab.manifest.role },
    module: modulePath,
    hidden,
    confinement: confined,
  };
  const limits = { ...lab.manifest.limits, ...opts.limits };

  const tests = await listTests(lab, { ...opts, hidden });
  const tenthsOf = apportionTenths(lab.manifest.points, tests.map((t) => t.weight));
  const empty = (status: GradeReport['status'], diagnostics: Diagnostic[], loadError?: GradeReport['loadError']): GradeReport => ({
    ...base,
    status,
    passed: false,
    score: 0,
    maxScore: lab.manifest.points,
    counts: { passed: 0, failed: tests.length, total: tests.length },
    diagnostics,
    loadError,
    tests: [],
    durationMs: Math.round(performance.now() - started),
  });

  const buildOpts = { exportName: lab.kind === 'role' ? exportsOf(lab.role) : lab.manifest.export, root: opts.root, typeCheck: opts.typeCheck };
  const bundle = await bundleStudentModule(modulePath, buildOpts);
  if (!bundle.ok) return empty('build-error', bundle.diagnostics);

  const session = await openSession(bundle, limits);
  try {
    // Node boots the sandbox while the type checker runs; the student's code runs only once the
    // build is known to be good.
    session.sandbox.prewarm();
    const built = withTypeDiagnostics(bundle, await typeCheckStudentModule(modulePath, buildOpts), buildOpts);
    if (!built.ok) return empty('build-error', built.diagnostics);
    const start = await session.sandbox.start();
    if (!start.ok) return empty('load-error', built.diagnostics, loadErrorOf(start, session));
    const env: TestEnv = { lab, sandbox: session.sandbox, sandboxWith: session.sandboxWith, build: bundle, mapStack: session.mapStack, limits, seed: opts.seed, kinds: [...new Set(tests.map((t) => t.kind))] };
    const results: TestResult[] = [];
    for (const [i, t] of tests.entries()) {
      const t0 = performance.now();
      let outcome;
      try {
        outcome = await testKind(t.kind)!.run(t, env);
      } catch (e) {
        outcome = {
          passed: false,
          failure: { reason: 'harness' as const, message: `the grader failed: ${(e as Error).message}`, rule: HARNESS_RULE, inputsSoFar: [] },
        };
      }
      const maxPoints = tenthsOf[i] / 10;
      const result: TestResult = {
        id: t.id,
        kind: t.kind,
        name: t.name,
        title: t.title,
        set: t.set,
        weight: t.weight,
        maxPoints,
        points: outcome.passed ? maxPoints : 0,
        passed: outcome.passed,
        durationMs: Math.round(performance.now() - t0),
        failure: outcome.failure,
        notes: outcome.notes ?? [],
      };
      results.push(result);
      opts.onProgress?.(results.length, tests.length, result);
      if (opts.stopWhen?.(results)) break;
    }
    const earned = tenthsOf.reduce((s, c, i) => s + (results[i]?.passed ? c : 0), 0);
    const nPassed = results.filter((r) => r.passed).length;
    // A broken safety property caps the score (manifest safety.cap, docs/grading.md "Points").
    const safety = safetyVerdict(results, lab.manifest.points, lab.manifest.safety?.cap, earned);
    return {
      ...base,
      status: 'graded',
      passed: results.length > 0 && results.length === tests.length && nPassed === results.length && !safety,
      score: safety?.capped ? safety.maxScore : earned / 10,
      maxScore: lab.manifest.points,
      counts: { passed: nPassed, failed: results.length - nPassed, total: results.length },
      diagnostics: built.diagnostics,
      safety,
      tests: results,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await session.close();
  }
}

async function listTests(lab: LabPack, opts: Pick<GradeOptions, 'hidden' | 'only' | 'seed'>): Promise<GradeTest[]> {
  const kinds = opts.only?.length ? opts.only.map((k) => testKind(k)).filter((k) => k !== undefined) : testKinds();
  const all: GradeTest[] = [];
  for (const k of kinds) {
    if ((k.labKind ?? 'role') !== lab.kind) continue;
    all.push(...(await k.list(lab, { hidden: opts.hidden ?? false, seed: opts.seed })));
  }
  return all;
}

function loadErrorOf(start: { message: string; error?: SerializedError; output: string }, session: Session): GradeReport['loadError'] {
  return { message: start.message, stack: session.mapStack(start.error?.stack), output: start.output.trim() ? start.output.slice(-4000) : undefined };
}

export interface Session {
  sandbox: Sandbox;
  sandboxWith: TestEnv['sandboxWith'];
  mapStack: ReturnType<typeof createStackMapper>;
  close(): Promise<void>;
}

/** A built module written to a private temp folder and a sandbox over it; close() removes both. */
export async function openSession(build: BuildOk, limits: { callMs: number; memoryMb: number }): Promise<Session> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paxlab-grade-'));
  const bundlePath = path.join(dir, BUNDLE_NAME);
  await writeFile(bundlePath, build.code);
  // The folder goes however the process ends.
  const forget = killAllOnExit(() => rmSync(dir, { recursive: true, force: true }));
  const sandbox = new Sandbox(bundlePath, { callCpuMs: limits.callMs, memoryMb: limits.memoryMb });
  const others = new Map<string, Sandbox>();
  return {
    sandbox,
    sandboxWith(l) {
      const key = `${l.memoryMb}/${l.memoryBlame ?? 'student'}`;
      let s = others.get(key);
      if (!s) others.set(key, (s = new Sandbox(bundlePath, { callCpuMs: limits.callMs, ...l })));
      return s;
    },
    mapStack: createStackMapper(bundlePath, build.sourceMap, build.root),
    async close() {
      await Promise.all([sandbox.close(), ...[...others.values()].map((s) => s.close())]);
      await rm(dir, { recursive: true, force: true });
      forget();
    },
  };
}
