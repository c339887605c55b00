/**
 * What the playground draws of a Multi-Paxos cluster, from the nodes' own snapshots (each node
 * process reports its `MultiNodeView`): a node's condition, its log as cells (compacted, empty,
 * accepted in a round, chosen, applied; the leader's window and slots in flight), its replica state
 * as rows, and whether the live replicas agree. Pure: the same snapshots give the same picture.
 */
import type { MultiNodeView, NodeSnapshot, SlotState, TraceEvent } from '../api/types.js';
import { NODE_PAUSED_TEXT, NODE_RESUMED_TEXT } from '../../../electron/api.js';

/** A node as drawn: running, paused (SIGSTOP: up but silent) or crashed (no process). */
export type NodeCondition = 'up' | 'paused' | 'crashed' | 'unknown';

/**
 * The view inside a node snapshot: the app answers `{ node, pid, state, storage, timers }` with the
 * node's view under `state`; anything that is not a Multi-Paxos view gives null.
 */
export function multiViewOf(snap: NodeSnapshot | undefined): MultiNodeView | null {
  const outer = snap?.state as { state?: unknown; protocol?: unknown } | null | undefined;
  const inner = (outer && typeof outer === 'object' && 'state' in outer ? outer.state : outer) as { protocol?: unknown } | null | undefined;
  return inner && typeof inner === 'object' && inner.protocol === 'multi-paxos' ? (inner as MultiNodeView) : null;
}

/**
 * A node's condition. The trace decides, in order: crash and restart events, and the supervisor's
 * pause and resume lines. A snapshot cannot (one asked for before a pause may answer after it, and
 * a resumed node may take a while to answer again).
 */
export function nodeCondition(snap: NodeSnapshot | undefined, downInTrace: boolean, pausedInTrace: boolean): NodeCondition {
  if (downInTrace) return 'crashed';
  if (pausedInTrace) return 'paused';
  return snap ? 'up' : 'unknown';
}

/** Fold trace events into the set of paused nodes (a crash or a restart ends a pause too). */
export function foldPauses(paused: Set<number>, events: readonly TraceEvent[]): void {
  for (const e of events) {
    if (e.type === 'log' && e.text === NODE_PAUSED_TEXT) paused.add(e.node);
    else if ((e.type === 'log' && e.text === NODE_RESUMED_TEXT) || e.type === 'crash' || e.type === 'restart') paused.delete(e.node);
  }
}

export interface LogCell {
  slot: number;
  state: SlotState;
  /** Short text in the cell: the round of an accepted vote, the command count of a chosen batch. */
  text: string;
  /** The whole story, for the tooltip. */
  title: string;
  /** In the leader's window [from, from + α). */
  inWindow: boolean;
  /** Proposed by the leader and not yet chosen. */
  inFlight: boolean;
}

export interface LogRow {
  node: number;
  leader: number;
  /** This node leads with phase 1 done (it proposes without PREPARE). */
  active: boolean;
  compacted: number;
  applied: number;
  /** The highest slot this node knows chosen (applied or not). */
  chosen: number;
  /** Older slots not shown (left out by the node's snapshot or by `maxCells`), beyond compaction. */
  omitted: number;
  cells: LogCell[];
  /** The leader's window, as text (`slots 12–15, 2 in flight`), or null on a follower. */
  window: string | null;
}

function valueText(v: unknown): string {
  if (v === undefined) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

/** A node's log, oldest kept slot first; at most `maxCells` (the newest). */
export function logRow(view: MultiNodeView, maxCells = 40): LogRow {
  const win = view.window;
  const inFlight = new Set(win?.inFlight ?? []);
  const slots = view.slots.slice(-maxCells);
  const cells: LogCell[] = slots.map((s) => {
    const cmds = s.commands !== undefined ? (s.commands === 0 ? 'no-op' : `${s.commands} cmd${s.commands === 1 ? '' : 's'}`) : '';
    const round = s.vrnd !== undefined && s.vrnd > 0 ? `r${s.vrnd}` : '';
    const text = s.state === 'accepted' ? round : s.state === 'empty' ? '' : s.commands === 0 ? '∅' : String(s.commands ?? '');
    const title = [`slot ${s.slot}: ${s.state}`, round && `voted in round ${s.vrnd}`, cmds, valueText(s.value)].filter(Boolean).join(' · ');
    return {
      slot: s.slot,
      state: s.state,
      text,
      title,
      inWindow: win !== null && s.slot >= win.from && s.slot < win.from + win.alpha,
      inFlight: inFlight.has(s.slot),
    };
  });
  let chosen = view.applied;
  for (const s of view.slots) if ((s.state === 'chosen' || s.state === 'applied') && s.slot > chosen) chosen = s.slot;
  return {
    node: view.node,
    leader: view.leader,
    active: view.active,
    compacted: view.compacted,
    applied: view.applied,
    chosen,
    omitted: view.omitted + (view.slots.length - slots.length),
    cells,
    window: win ? `slots ${win.from}–${win.from + win.alpha - 1}, ${win.inFlight.length} in flight` : null,
  };
}

export interface StateRow {
  key: string;
  value: string;
}

/** A replica's state machine as rows: key → value (kv), lock → holder (lock), position → command (log). */
export function replicaRows(machine: MultiNodeView['machine']): StateRow[] {
  const st = machine.state;
  if (Array.isArray(st)) return st.map((v, i) => ({ key: String(i + 1), value: valueText(v) }));
  if (st && typeof st === 'object') {
    return Object.entries(st as Record<string, unknown>)
      .sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true }))
      .map(([key, v]) => ({ key, value: v === null || v === undefined ? (machine.kind === 'lock' ? 'free' : '—') : valueText(v) }));
  }
  return [];
}

/**
 * Whether the live replicas agree: every one has applied the same prefix and holds the same state.
 * `lagging` names the replicas behind the furthest one.
 */
export function convergence(views: readonly MultiNodeView[]): { converged: boolean; applied: number; lagging: number[] } {
  if (views.length === 0) return { converged: false, applied: 0, lagging: [] };
  const top = Math.max(...views.map((v) => v.applied));
  const lagging = views.filter((v) => v.applied < top).map((v) => v.node);
  const states = new Set(views.map((v) => JSON.stringify(v.machine.state)));
  return { converged: lagging.length === 0 && states.size === 1, applied: top, lagging };
}

/** The workload text of docs/history.md from the playground's fields. */
export function workloadText(w: { kind: 'kv' | 'lock' | 'log'; keys: number; ops: number; mix: 'all' | 'append' }): string {
  if (w.kind === 'kv') return `kv:keys=${w.keys},ops=${w.ops}${w.mix === 'append' ? ',mix=append' : ''}`;
  if (w.kind === 'lock') return `lock:locks=${w.keys},ops=${w.ops}`;
  return `log:ops=${w.ops}`;
}

/** A per-client rate (operations a second, 0: as fast as answers come) as the think time between operations. */
export function thinkMsFor(rate: number): number {
  return rate > 0 ? Math.round(1000 / rate) : 0;
}
