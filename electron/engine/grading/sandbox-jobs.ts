/**
 * The sandbox is a job runner: the grading process sends a job (a kind and a JSON payload), the
 * child runs the handler registered for that kind against the student's module, loaded in a student
 * realm. Job kinds register here and are imported by sandbox-main.ts through jobs/index.ts; this
 * file runs only in the child.
 */
import type { StudentCalls } from '../realm/student-calls.js';
import type { StudentRealm } from '../realm/student-realm.js';

/** The student's module, evaluated in its realm. */
export interface LoadedStudent {
  realm: StudentRealm;
  /** The only way to call student code: metered, guarded. */
  calls: StudentCalls;
  /** Export name → realm value. */
  exports: Map<string, unknown>;
}

export interface SandboxJobContext {
  readonly student: LoadedStudent;
  /**
   * Report progress to the grading process (kept in order and handed back even if the child dies
   * later). What student code printed since the last report goes with it.
   */
  progress(data: unknown): void;
  /** Name the scenario seed that later calls belong to (in a time-limit verdict). */
  setSeed(seed: number): void;
}

/** Runs one job in the child; its result (JSON) goes back to the parent. */
export type SandboxJobHandler = (payload: any, ctx: SandboxJobContext) => unknown | Promise<unknown>;

const handlers = new Map<string, SandboxJobHandler>();

export function registerSandboxJob(kind: string, handler: SandboxJobHandler): void {
  if (handlers.has(kind)) throw new Error(`sandbox job kind '${kind}' is already registered`);
  handlers.set(kind, handler);
}

export function sandboxJob(kind: string): SandboxJobHandler | undefined {
  return handlers.get(kind);
}

export function sandboxJobKinds(): string[] {
  return [...handlers.keys()];
}
