/**
 * What a recorded real-cluster run says about each node process: its lives (from start or restart
 * to crash), and in each life what it was handed (deliveries, client requests, timer firings, in the
 * order the node handled them) and what it produced (sends, decisions, replies). A replay feeds the
 * inputs to the same node code and compares the outputs.
 */
import type { NodeId } from '@paxlab/sdk';
import type { TraceEvent } from '../trace/events.js';

/** Something a node was handed, with the clock it handled it at. */
export type RecordedInput =
  | { kind: 'message'; event: TraceEvent & { type: 'deliver' }; from: NodeId; msg: Record<string, unknown>; t: number }
  | { kind: 'request'; event: TraceEvent; request: { id: string; value: string; client?: string; seq?: number }; t: number };

export interface RecordedTimer {
  event: TraceEvent & { type: 'timer' };
  name: string;
  /** How many inputs of this life the node had handled when it fired. */
  after: number;
  at: number;
}

/** Something a node produced, as the trace recorded it. */
export type RecordedOutput = TraceEvent & ({ type: 'send' } | { type: 'decide' } | { type: 'client-reply' });

export interface NodeLife {
  node: NodeId;
  /** The `start` event (onStart ran at its `at`); missing for a node that never reported one. */
  start?: TraceEvent & { type: 'start' };
  inputs: RecordedInput[];
  timers: RecordedTimer[];
  outputs: RecordedOutput[];
  /** Why this life cannot be replayed (a timer without its position: not a PaxLab node process). */
  problem?: string;
  /** True when the life ended in a crash (another life may follow); false when the run ended. */
  crashed: boolean;
  /** The seq where the life began (0 or the restart) and ended (the crash, or the end of the trace). */
  from: number;
  to: number;
}

/** Each node's lives, in order. */
export function nodeLives(events: readonly TraceEvent[], nodes: readonly NodeId[]): Map<NodeId, NodeLife[]> {
  const lives = new Map<NodeId, NodeLife[]>();
  const current = new Map<NodeId, NodeLife | null>();
  const open = (node: NodeId, from: number): NodeLife => {
    const life: NodeLife = { node, inputs: [], timers: [], outputs: [], crashed: false, from, to: Infinity };
    lives.get(node)!.push(life);
    current.set(node, life);
    return life;
  };
  for (const n of nodes) {
    lives.set(n, []);
    open(n, 0);
  }
  const lifeOf = (n: unknown) => (typeof n === 'number' ? current.get(n) ?? null : null);
  for (const e of events) {
    switch (e.type) {
      case 'crash': {
        const life = lifeOf(e.node);
        if (life) {
          life.crashed = true;
          life.to = e.seq;
        }
        current.set(e.node, null);
        break;
      }
      case 'restart':
        open(e.node, e.seq);
        break;
      case 'start': {
        const life = lifeOf(e.node);
        if (life && !life.start) life.start = e;
        break;
      }
      case 'deliver': {
        const life = lifeOf(e.to);
        if (!life) break;
        const t = e.t;
        if (typeof e.from === 'string') {
          const m = e.msg as { kind: string; request?: unknown; value?: unknown; client?: unknown; seq?: unknown };
          if (m.kind !== 'request' || typeof m.request !== 'string' || typeof m.value !== 'string') break;
          life.inputs.push({ kind: 'request', event: e, request: { id: m.request, value: m.value, client: String(m.client), seq: Number(m.seq) }, t });
        } else life.inputs.push({ kind: 'message', event: e, from: e.from, msg: e.msg, t });
        break;
      }
      case 'client-request': {
        const life = lifeOf(e.node);
        if (life) life.inputs.push({ kind: 'request', event: e, request: { id: e.request, value: e.value }, t: e.t });
        break;
      }
      case 'timer': {
        const life = lifeOf(e.node);
        if (!life) break;
        if (e.after !== undefined && e.at !== undefined) life.timers.push({ event: e, name: e.name, after: e.after, at: e.at });
        else life.problem ??= `its timer ${e.name} (#${e.seq}) has no after/at: the trace was not recorded from a PaxLab node process`;
        break;
      }
      case 'send':
        if (typeof e.from === 'number') lifeOf(e.from)?.outputs.push(e);
        break;
      case 'decide':
      case 'client-reply':
        lifeOf(e.node)?.outputs.push(e);
        break;
      default:
        break;
    }
  }
  return lives;
}
