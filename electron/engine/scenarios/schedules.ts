/**
 * Named fault schedules for cluster scenarios. Each is a function of the cluster size and the seed
 * (the seed varies timings and targets, so many seeds cover many interleavings) and ends with the
 * network healed and every node up: Paxos then owes a decision (the liveness checker's premise).
 */
import type { NodeId } from '@paxlab/sdk';
import type { FaultSchedule } from '../faults/schedule.js';
import { Rng } from '../net/rng.js';
import type { NetworkConfig } from '../trace/events.js';

export const SCHEDULE_NAMES = ['calm', 'loss', 'duplication', 'reordering', 'partition', 'leader-crash', 'dueling-proposers', 'split-vote'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

export interface NamedSchedule {
  name: ScheduleName;
  /** One line for reports. */
  description: string;
  /** The network at the start. */
  network: Partial<NetworkConfig>;
  /** Faults and client requests, in virtual ms. */
  schedule: FaultSchedule;
  /** When the last fault ends (the liveness bound counts from here). */
  faultsEndAt: number;
}

/** Faults run for this long; afterwards the network is calm. */
const FAULT_WINDOW_MS = 400;

const range = (n: number): NodeId[] => Array.from({ length: n }, (_, i) => i + 1);

/** Two clients with different values, at two different nodes, so a wrong choice can show. */
function requests(n: number, rng: Rng, at = 0): FaultSchedule {
  const other = n > 1 ? rng.int(2, n) : 1;
  return [
    { at, action: 'request', node: 1, value: 'x' },
    { at: at + rng.int(0, 30), action: 'request', node: other, value: 'y' },
  ];
}

export function namedSchedule(name: ScheduleName, n: number, seed: number): NamedSchedule {
  const rng = new Rng(seed * 7919 + SCHEDULE_NAMES.indexOf(name));
  const end = FAULT_WINDOW_MS;
  const calmNet = (at: number): FaultSchedule => [{ at, action: 'net', network: { loss: 0, dup: 0, minDelayMs: 1, maxDelayMs: 5 } }];
  switch (name) {
    case 'calm':
      return { name, description: 'no faults', network: {}, schedule: requests(n, rng), faultsEndAt: 0 };
    case 'loss': {
      const loss = [0.2, 0.3, 0.4][rng.int(0, 2)];
      return { name, description: `${loss * 100}% message loss until ${end} ms`, network: { loss }, schedule: [...requests(n, rng), ...calmNet(end)], faultsEndAt: end };
    }
    case 'duplication':
      return { name, description: `half the messages duplicated until ${end} ms`, network: { dup: 0.5, maxDelayMs: 20 }, schedule: [...requests(n, rng), ...calmNet(end)], faultsEndAt: end };
    case 'reordering':
      return { name, description: `delays of 1-60 ms (reordering) until ${end} ms`, network: { minDelayMs: 1, maxDelayMs: 60 }, schedule: [...requests(n, rng), ...calmNet(end)], faultsEndAt: end };
    case 'partition': {
      const nodes = range(n);
      const cut = rng.int(1, Math.max(1, Math.floor((n - 1) / 2)));
      const minority = nodes.slice(0, cut);
      const majority = nodes.slice(cut);
      const at = rng.int(5, 60);
      return {
        name,
        description: `partition {${minority.join(',')}} | {${majority.join(',')}} from ${at} ms to ${end} ms`,
        network: {},
        schedule: [...requests(n, rng), { at, action: 'partition', groups: [minority, majority] }, { at: end, action: 'heal' }],
        faultsEndAt: end,
      };
    }
    case 'leader-crash': {
      const at = rng.int(5, 80);
      const back = end + rng.int(0, 100);
      return {
        name,
        description: `the leader (node 1) crashes at ${at} ms and restarts at ${back} ms`,
        network: { maxDelayMs: 10 },
        schedule: [...requests(n, rng), { at, action: 'crash', node: 1 }, { at: back, action: 'restart', node: 1 }],
        faultsEndAt: back,
      };
    }
    case 'dueling-proposers': {
      // Nodes 1 and 2 cannot hear each other: 2 suspects 1 and leads too, so both run rounds.
      const schedule: FaultSchedule = [
        { at: 0, action: 'link', a: 1, b: 2, up: false },
        { at: 0, action: 'request', node: 1, value: 'x' },
        { at: rng.int(0, 20), action: 'request', node: 2, value: 'y' },
        { at: end, action: 'link', a: 1, b: 2, up: true },
      ];
      return { name, description: `nodes 1 and 2 both lead (their link is cut) until ${end} ms`, network: { maxDelayMs: 15 }, schedule, faultsEndAt: end };
    }
    case 'split-vote': {
      // The leader's first round is cut in the middle of phase 2: its ACCEPT reaches only some
      // acceptors, and a node on the other side leads a round of its own with another value.
      const nodes = range(n);
      const side = nodes.filter((id) => id === 1 || (id !== 2 && rng.chance(0.3)));
      const other = nodes.filter((id) => !side.includes(id));
      const at = rng.int(4, 14);
      const schedule: FaultSchedule = [
        { at: 0, action: 'request', node: 1, value: 'x' },
        { at: rng.int(0, 5), action: 'request', node: 2, value: 'y' },
        { at, action: 'partition', groups: [side, other] },
        { at: end, action: 'heal' },
      ];
      return { name, description: `partition {${side.join(',')}} | {${other.join(',')}} at ${at} ms, during the first round, healed at ${end} ms`, network: { minDelayMs: 1, maxDelayMs: 8 }, schedule, faultsEndAt: end };
    }
  }
}
