/**
 * A service model for the linearizability checker: a sequential specification (init, step) and how
 * its history splits into independent parts (P-compositionality: operations on different keys never
 * constrain each other, so each key is checked on its own).
 */
import type { Operation } from './history.js';

export type ModelName = 'kv' | 'lock' | 'log';

/** Returned by `step` when the operation's result is impossible in the state. */
export const ILLEGAL: unique symbol = Symbol('illegal');

export interface Model<S = unknown> {
  readonly name: ModelName;
  /** Which partition an operation belongs to ('' when the model has one). */
  partitionKey(o: Operation): string;
  init(): S;
  /**
   * The state after `o` in `state`. An `ok` operation must have returned what the specification
   * says, else ILLEGAL; an `info` operation (outcome unknown) takes effect with whatever result the
   * state gives.
   */
  step(state: S, o: Operation): S | typeof ILLEGAL;
  /** Equal states give equal keys (the checker's memo of explored states rests on it). */
  stateKey(state: S): string;
  /** The state as JSON, for reports. */
  stateView(state: S): unknown;
  /** Why `o` cannot come next in `state`, for a human. */
  explain(state: S, o: Operation): string;
  /** Why an operation cannot be judged by this model at all (a lock op in a kv history), or null. */
  opProblem(o: Operation): string | null;
  /**
   * Whether an operation with an unknown outcome can be left out: one that never changes the state
   * (a read) constrains nothing when its result is unknown.
   */
  inert(o: Operation): boolean;
  /**
   * Optional pruning for one partition's operations: a test of each state the search reaches,
   * given which operations are placed already. False means no order of the rest can start from
   * this state, so it is not explored; it must never be false where a linearization exists (it
   * changes how fast the checker answers, never what). Null when the partition offers nothing.
   */
  viable?(ops: readonly Operation[]): ((state: S, placed: (i: number) => boolean) => boolean) | null;
}
