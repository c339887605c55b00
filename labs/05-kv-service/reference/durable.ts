import type { Round, Slot, StableStorage, Value } from '@paxlab/sdk';
import type { SnapshotData } from './messages.js';

/**
 * What a service node keeps on stable storage, bounded by compaction:
 * - the acceptor's state, as its outputs showed it (not the role's fields, so any acceptor class can
 *   be rebuilt from it): the promised round and the vote of every slot not yet truncated;
 * - `round`, the highest round this node's proposer used: a restarted node never reuses one;
 * - `snapshot`, the state machine and the at-most-once table after its `slot`, as JSON text (written
 *   again only when a new snapshot is taken, so a save does not re-encode the state machine);
 * - `compacted`, the slot up to which the log is truncated.
 */
export interface ServiceDurable {
  v: 1;
  rnd: Round;
  round: Round;
  votes: Array<[Slot, Round, Value]>;
  snapshot: string;
  compacted: Slot;
}

export const EMPTY_SNAPSHOT: SnapshotData = { slot: 0, machine: null, clients: [] };

export function emptyDurable(): ServiceDurable {
  return { v: 1, rnd: 0, round: 0, votes: [], snapshot: JSON.stringify(EMPTY_SNAPSHOT), compacted: 0 };
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/** Load and check the saved state; a first start (nothing saved) is the empty state. */
export function loadDurable(storage: StableStorage): { state: ServiceDurable; snapshot: SnapshotData; problem?: string } {
  const bad = (why: string) => ({ state: emptyDurable(), snapshot: EMPTY_SNAPSHOT, problem: `stable storage holds an unreadable state (${why}); starting empty` });
  let raw: unknown;
  try {
    raw = storage.load<unknown>();
  } catch (err) {
    return bad(err instanceof Error ? err.message : String(err));
  }
  if (raw === undefined) return { state: emptyDurable(), snapshot: EMPTY_SNAPSHOT };
  const s = raw as Partial<ServiceDurable>;
  if (typeof raw !== 'object' || raw === null || s.v !== 1) return bad('not a service node state');
  if (!isCount(s.rnd) || !isCount(s.round) || !isCount(s.compacted) || typeof s.snapshot !== 'string') return bad('missing fields');
  if (!Array.isArray(s.votes) || !s.votes.every((v) => Array.isArray(v) && isCount(v[0]) && isCount(v[1]) && typeof v[2] === 'string')) return bad('bad votes');
  let snapshot: SnapshotData;
  try {
    snapshot = JSON.parse(s.snapshot) as SnapshotData;
  } catch {
    return bad('bad snapshot');
  }
  if (typeof snapshot !== 'object' || snapshot === null || !isCount(snapshot.slot)) return bad('bad snapshot');
  return { state: { v: 1, rnd: s.rnd, round: s.round, votes: s.votes.map((v) => [v[0], v[1], v[2]]), snapshot: s.snapshot, compacted: s.compacted }, snapshot };
}
