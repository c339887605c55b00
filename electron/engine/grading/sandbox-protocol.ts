/**
 * The wire between the grading process and its sandbox child. Requests go down the child's stdin,
 * replies come back on fd 3, one JSON object per line (the watchdog's notes use fd 4). The child
 * writes fd 3 synchronously, so a progress line is out before the next student call starts.
 */
import type { CpuLimitHit } from '../limits/call-meter.js';
import type { ThrownValue } from '../realm/read-out.js';

/** The first request: evaluate the student's module (sent once the build is known to be good). */
export interface LoadRequest {
  load: true;
  /** CPU limit of evaluating the module, ms. */
  limitMs: number;
}

export interface JobRequest {
  id: number;
  kind: string;
  payload: unknown;
  /** CPU limit of each student call in this job, ms. */
  limitMs: number;
  /** CPU all student calls of this job may use together, ms. */
  budgetMs: number;
}

export type SerializedError = ThrownValue;

export type ChildReply =
  | { type: 'ready'; exports: string[]; output?: string }
  | { type: 'load-error'; error: SerializedError; output?: string }
  /** Evaluating the module, or a call of the job, ran past its CPU limit and was interrupted; the child goes on. */
  | { type: 'limit'; id?: number; hit: CpuLimitHit; output?: string }
  | { type: 'progress'; id: number; data: unknown; output?: string }
  | { type: 'done'; id: number; value: unknown; output?: string }
  | { type: 'failed'; id: number; error: SerializedError; output?: string };

/** The child's fd that carries replies. */
export const REPLY_FD = 3;

/** What the parent tells the child at start (argv[3], JSON). */
export interface ChildOptions {
  /** The watchdog kills the process when its resident memory exceeds this (MB). */
  rssCapMb: number;
}
