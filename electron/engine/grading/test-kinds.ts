/**
 * The seam where kinds of tests plug into grading. 'trace' (replay of reference traces) is built in;
 * 'scenario' and 'search' register here too. gradeModule asks every registered kind (or those in
 * `only`) for its tests, then runs them one by one in the same sandbox.
 */
import type { BuildOk } from '../build/build-student.js';
import type { LabPack } from '../labs/lab-pack.js';
import type { Sandbox, SandboxLimits } from './sandbox.js';
import type { StackMapper } from './stack-map.js';
import type { Failure, TestIdentity } from './verdict.js';

export interface GradeTest extends TestIdentity {
  /** Whatever the kind needs to run it (the trace, the scenario, …). */
  data: unknown;
}

export interface TestEnv {
  lab: LabPack;
  /** The student's module, loaded in a sandbox child; respawned by the sandbox after a death. */
  sandbox: Sandbox;
  /**
   * Another sandbox over the same module with other limits (the search's larger memory cap), made on
   * first use and shared by the tests of this grade; stopped with the session.
   */
  sandboxWith(limits: Pick<SandboxLimits, 'memoryMb' | 'memoryBlame'>): Sandbox;
  build: BuildOk;
  mapStack: StackMapper;
  limits: { callMs: number; memoryMb: number };
  seed?: number;
  /** The kinds of the tests this grade runs (a kind may start work for a later test ahead of it). */
  kinds?: string[];
}

export interface TestOutcome {
  passed: boolean;
  failure?: Failure;
  notes?: string[];
}

export interface ListOptions {
  hidden: boolean;
  seed?: number;
}

export interface TestKindProvider {
  kind: string;
  /** Which labs it has tests for: role labs (the default) or whole-node labs (manifest kind "node"). */
  labKind?: 'role' | 'node';
  /** The tests of this kind for a lab (none is fine). */
  list(lab: LabPack, opts: ListOptions): Promise<GradeTest[]>;
  run(test: GradeTest, env: TestEnv): Promise<TestOutcome>;
}

const providers = new Map<string, TestKindProvider>();

export function registerTestKind(provider: TestKindProvider): void {
  providers.set(provider.kind, provider);
}

export function testKind(kind: string): TestKindProvider | undefined {
  return providers.get(kind);
}

/** Registered kinds in registration order ('trace' first). */
export function testKinds(): TestKindProvider[] {
  return [...providers.values()];
}
