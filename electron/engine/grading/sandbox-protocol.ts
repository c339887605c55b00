/**
 * The wire between the grading process and its sandbox child. Requests go down the child's stdin,
 * replies come back on fd 3, one JSON object per line. The child writes fd 3 synchronously, so a
 * progress line is out before the next student call starts: when a call hangs, the parent knows
 * exactly which one.
 */
export interface JobRequest {
  id: number;
  kind: string;
  payload: unknown;
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

export type ChildReply =
  | { type: 'ready'; exports: string[] }
  | { type: 'load-error'; error: SerializedError }
  | { type: 'progress'; id: number; data: unknown }
  | { type: 'done'; id: number; value: unknown }
  | { type: 'failed'; id: number; error: SerializedError };

/** The child's fd that carries replies. */
export const REPLY_FD = 3;

/** Thrown in the child instead of letting student code end the process. */
export const EXIT_ERROR_NAME = 'SandboxExit';
