import type { AcceptMsg, PrepareMsg, StableStorage, Value } from '@paxlab/sdk';

/**
 * What a node keeps on stable storage. It records the acceptor's INPUTS (not its fields) and how many
 * times `startRound()` was called, so recovery works for any role class, whatever it names its
 * state: replaying the same calls on fresh role objects rebuilds the same state.
 */
export interface DurableState {
  v: 1;
  /** Every prepare/accept the acceptor handled, in order. */
  inputs: Array<PrepareMsg | AcceptMsg>;
  /** Number of `startRound()` calls on the proposer. */
  rounds: number;
  decided: Value | null;
}

export function emptyDurable(): DurableState {
  return { v: 1, inputs: [], rounds: 0, decided: null };
}

/** Load and check the saved state; `undefined` storage means a first start. */
export function loadDurable(storage: StableStorage): { state: DurableState; problem?: string } {
  const raw = storage.load<unknown>();
  if (raw === undefined) return { state: emptyDurable() };
  const s = raw as Partial<DurableState>;
  const ok =
    typeof raw === 'object' && raw !== null && s.v === 1 && Array.isArray(s.inputs) &&
    typeof s.rounds === 'number' && s.rounds >= 0 && (s.decided === null || typeof s.decided === 'string') &&
    s.inputs.every((m) => typeof m === 'object' && m !== null && (m.kind === 'prepare' || m.kind === 'accept'));
  if (!ok) return { state: emptyDurable(), problem: 'stable storage holds an unreadable state; starting empty' };
  return { state: { v: 1, inputs: s.inputs!.slice(), rounds: s.rounds!, decided: s.decided ?? null } };
}
