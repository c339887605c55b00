/**
 * The sandbox is a job runner: the grading process sends a job (a kind and a JSON payload), the
 * child runs the handler registered for that kind against the student's module. Job kinds register
 * here and are imported by sandbox-main.ts through jobs/index.ts; this file runs only in the child.
 */
export interface SandboxJobContext {
  /** The student's module namespace (its exports). */
  readonly module: Record<string, unknown>;
  /**
   * Report progress to the grading process. Resets its per-call watchdog, so call this after every
   * student call; the data (JSON) is kept in order and handed back even if the child dies later.
   */
  progress(data: unknown): void;
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
