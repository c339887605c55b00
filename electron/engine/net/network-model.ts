import type { NodeId } from '@paxlab/sdk';
import type { DropReason, NetworkConfig, Participant } from '../trace/events.js';
import { DEFAULT_NETWORK } from '../trace/events.js';
import type { Rng } from './rng.js';

/** What happens to one copy of a message: delivered after `delayMs`, or dropped for `reason`. */
export type CopyFate =
  | { copy: number; deliver: true; delayMs: number }
  | { copy: number; deliver: false; reason: DropReason };

/**
 * The fault model of the network, shared by the simulator and the real hub so both inject the same
 * faults: probabilistic loss, duplication and delay (which reorders), plus partitions, cut links and
 * down nodes. It only decides fates; the harness schedules them on virtual or real time.
 */
export class NetworkModel {
  config: NetworkConfig;
  /** The group index of each node while partitioned; empty when healed. */
  private group = new Map<NodeId, number>();
  private cut = new Set<string>();
  private down = new Set<NodeId>();

  constructor(config: Partial<NetworkConfig> = {}) {
    this.config = normalizeNetwork(config);
  }

  setConfig(config: Partial<NetworkConfig>): NetworkConfig {
    this.config = normalizeNetwork({ ...this.config, ...config });
    return this.config;
  }

  /** Split the network into `groups`; a node named in no group is alone. */
  partition(groups: NodeId[][]): void {
    this.group.clear();
    groups.forEach((g, i) => g.forEach((n) => this.group.set(n, i)));
  }

  heal(): void {
    this.group.clear();
    this.cut.clear();
  }

  get partitioned(): boolean {
    return this.group.size > 0;
  }

  setLink(a: NodeId, b: NodeId, up: boolean): void {
    const key = linkKey(a, b);
    if (up) this.cut.delete(key);
    else this.cut.add(key);
  }

  isLinkUp(a: NodeId, b: NodeId): boolean {
    return !this.cut.has(linkKey(a, b));
  }

  setDown(node: NodeId, down: boolean): void {
    if (down) this.down.add(node);
    else this.down.delete(node);
  }

  isDown(node: NodeId): boolean {
    return this.down.has(node);
  }

  /**
   * Why a message from `from` to `to` cannot get through right now, or null if it can. Clients
   * (string ids) stand outside partitions and cut links: only a down node stops their messages.
   */
  blocked(from: Participant, to: Participant): DropReason | null {
    if (typeof to === 'number' && this.down.has(to)) return 'down';
    if (typeof from !== 'number' || typeof to !== 'number') return null;
    if (from !== to && this.group.size > 0 && (this.group.get(from) ?? -from) !== (this.group.get(to) ?? -to)) {
      return 'partition';
    }
    if (from !== to && this.cut.has(linkKey(from, to))) return 'link-cut';
    return null;
  }

  /**
   * The fates of one message: the original (copy 0) and, with probability `dup`, one duplicate
   * (copy 1). Each copy is lost independently with probability `loss`. A message a node sends to
   * itself is never lost, duplicated or delayed beyond the minimum: it does not cross the network.
   */
  route(from: Participant, to: Participant, rng: Rng): CopyFate[] {
    const blockedBy = this.blocked(from, to);
    if (blockedBy) return [{ copy: 0, deliver: false, reason: blockedBy }];
    const { dup, minDelayMs, maxDelayMs } = this.config;
    if (from === to) return [{ copy: 0, deliver: true, delayMs: minDelayMs }];
    const loss = this.lossOf(from, to);
    const copies = rng.chance(dup) ? 2 : 1;
    const fates: CopyFate[] = [];
    for (let copy = 0; copy < copies; copy++) {
      if (rng.chance(loss)) fates.push({ copy, deliver: false, reason: 'loss' });
      else fates.push({ copy, deliver: true, delayMs: minDelayMs === maxDelayMs ? minDelayMs : rng.int(minDelayMs, maxDelayMs) });
    }
    return fates;
  }

  /** The loss of one copy: `requestLoss` from a client, `replyLoss` to one, `loss` otherwise. */
  private lossOf(from: Participant, to: Participant): number {
    const c = this.config;
    if (typeof from === 'string') return c.requestLoss ?? c.loss;
    if (typeof to === 'string') return c.replyLoss ?? c.loss;
    return c.loss;
  }
}

function linkKey(a: NodeId, b: NodeId): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

/** Fill defaults and reject nonsense (probabilities outside [0,1], negative or inverted delays). */
export function normalizeNetwork(config: Partial<NetworkConfig>): NetworkConfig {
  const c = { ...DEFAULT_NETWORK, ...config };
  for (const p of ['loss', 'dup', 'requestLoss', 'replyLoss'] as const) {
    const v = c[p];
    if (v !== undefined && !(v >= 0 && v <= 1)) throw new RangeError(`network ${p} must be a probability in [0, 1], got ${v}`);
  }
  if (!(c.minDelayMs >= 0) || !(c.maxDelayMs >= c.minDelayMs)) {
    throw new RangeError(`network delays must satisfy 0 <= minDelayMs <= maxDelayMs, got ${c.minDelayMs}..${c.maxDelayMs}`);
  }
  const out: NetworkConfig = { loss: c.loss, dup: c.dup, minDelayMs: Math.round(c.minDelayMs), maxDelayMs: Math.round(c.maxDelayMs) };
  // Client-message losses are written only when set, so traces without them stay as they were.
  if (c.requestLoss !== undefined) out.requestLoss = c.requestLoss;
  if (c.replyLoss !== undefined) out.replyLoss = c.replyLoss;
  return out;
}
