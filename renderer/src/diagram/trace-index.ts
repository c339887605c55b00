/**
 * An incremental index over a trace for the space-time diagram: event positions on the time axis
 * (for binary search), the messages as arrows (send → deliver or drop), and the intervals during
 * which a node is down or the network is partitioned. Appending an event is O(1) amortized, so a
 * live cluster can stream thousands of events without re-indexing.
 */
import type { TraceEvent } from '../api/types.js';
import { lowerBound, upperBound } from './search.js';

export type AxisMode = 'order' | 'time';

/** One copy of one message: an arrow from its send to where it ended (or is still in flight). */
export interface Arrow {
  /** Index (in the index's event list) of the send event. */
  sendIdx: number;
  /** Index of the deliver or drop event; -1 while in flight. */
  endIdx: number;
  /** Index of the event that created this arrow (the send, or the duplicate event for copies). */
  anchorIdx: number;
  id: number;
  copy: number;
  /** A node id, or a client id (`c1`) for the messages of client sessions. */
  from: number | string;
  to: number | string;
  kind: string;
  dropped: boolean;
}

export interface Interval {
  startIdx: number;
  /** Exclusive end; Infinity while open. */
  endIdx: number;
}

export interface NodeInterval extends Interval {
  node: number;
}

export interface PartitionInterval extends Interval {
  groups: number[][];
}

/** Arrows spanning more than this many events are kept apart so window queries stay narrow. */
const LONG_SPAN = 512;

export class TraceIndex {
  readonly events: TraceEvent[] = [];
  readonly nodes: number[] = [];
  /** The clients of the run (`c1`, …), drawn as lanes below the nodes. */
  readonly clients: string[] = [];
  /** Axis position of event i in 'order' mode is i; in 'time' mode it is timePos[i]. */
  private timePos = new Float64Array(1024);
  readonly arrows: Arrow[] = [];
  /** Arrows whose span may be long (in flight, or long once ended): checked linearly. */
  private longArrows = new Set<Arrow>();
  private maxBack = 0;
  private maxFwd = 0;
  private open = new Map<string, Arrow>();
  private sendIdxById = new Map<number, number>();
  private sendById = new Map<number, { from: number | string; to: number | string; kind: string }>();
  readonly down: NodeInterval[] = [];
  readonly partitions: PartitionInterval[] = [];
  private openDown = new Map<number, NodeInterval>();
  private openPartition: PartitionInterval | null = null;

  constructor(events: Iterable<TraceEvent> = []) {
    for (const e of events) this.append(e);
  }

  get length(): number {
    return this.events.length;
  }

  append(e: TraceEvent): void {
    const i = this.events.length;
    this.events.push(e);
    if (i >= this.timePos.length) {
      const grown = new Float64Array(this.timePos.length * 2);
      grown.set(this.timePos);
      this.timePos = grown;
    }
    // Wall-clock stamps can step back a little between processes; keep the axis monotonic.
    this.timePos[i] = i === 0 ? e.t : Math.max(this.timePos[i - 1], e.t);
    this.indexEvent(e, i);
  }

  /** Every lane of the diagram: the nodes, then the clients. */
  get lanes(): Array<number | string> {
    return [...this.nodes, ...this.clients];
  }

  private noteNode(n: number | string | undefined): void {
    if (n === undefined) return;
    if (typeof n === 'string') {
      if (this.clients.includes(n)) return;
      this.clients.push(n);
      this.clients.sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
      return;
    }
    if (this.nodes.includes(n)) return;
    this.nodes.push(n);
    this.nodes.sort((a, b) => a - b);
  }

  private indexEvent(e: TraceEvent, i: number): void {
    switch (e.type) {
      case 'meta':
        e.nodes.forEach((n) => this.noteNode(n));
        e.clients?.forEach((c) => this.noteNode(c));
        break;
      case 'send': {
        this.noteNode(e.from);
        this.noteNode(e.to);
        this.sendIdxById.set(e.id, i);
        this.sendById.set(e.id, { from: e.from, to: e.to, kind: e.msg.kind });
        this.openArrow(e.id, 0, i, i);
        break;
      }
      case 'duplicate': {
        const sendIdx = this.sendIdxById.get(e.id);
        if (sendIdx !== undefined) this.openArrow(e.id, e.copy, sendIdx, i);
        break;
      }
      case 'deliver':
      case 'drop': {
        const key = `${e.id}:${e.copy}`;
        let arrow = this.open.get(key);
        if (!arrow) {
          // An end without a recorded send (trace cut at the start): draw it from where it ends.
          arrow = this.openArrow(e.id, e.copy, i, i, e.from, e.to, e.type === 'deliver' ? e.msg.kind : '?');
        }
        this.open.delete(key);
        arrow.endIdx = i;
        arrow.dropped = e.type === 'drop';
        const back = arrow.anchorIdx - arrow.sendIdx;
        const fwd = i - arrow.anchorIdx;
        if (back > LONG_SPAN || fwd > LONG_SPAN) return;
        this.longArrows.delete(arrow);
        this.maxBack = Math.max(this.maxBack, back);
        this.maxFwd = Math.max(this.maxFwd, fwd);
        break;
      }
      case 'crash': {
        this.noteNode(e.node);
        if (!this.openDown.has(e.node)) {
          const iv: NodeInterval = { node: e.node, startIdx: i, endIdx: Infinity };
          this.openDown.set(e.node, iv);
          this.down.push(iv);
        }
        break;
      }
      case 'restart': {
        const iv = this.openDown.get(e.node);
        if (iv) iv.endIdx = i;
        this.openDown.delete(e.node);
        break;
      }
      case 'partition': {
        if (this.openPartition) this.openPartition.endIdx = i;
        this.openPartition = { startIdx: i, endIdx: Infinity, groups: e.groups };
        this.partitions.push(this.openPartition);
        break;
      }
      case 'heal':
        if (this.openPartition) this.openPartition.endIdx = i;
        this.openPartition = null;
        break;
      case 'invoke':
      case 'ok':
      case 'fail':
      case 'info':
        this.noteNode(e.client);
        break;
      default:
        if ('node' in e) this.noteNode(e.node);
    }
  }

  private openArrow(
    id: number,
    copy: number,
    sendIdx: number,
    anchorIdx: number,
    from?: number | string,
    to?: number | string,
    kind?: string,
  ): Arrow {
    const s = this.sendById.get(id);
    const arrow: Arrow = {
      sendIdx,
      endIdx: -1,
      anchorIdx,
      id,
      copy,
      from: from ?? s?.from ?? 0,
      to: to ?? s?.to ?? 0,
      kind: kind ?? s?.kind ?? '?',
      dropped: false,
    };
    this.arrows.push(arrow);
    this.open.set(`${id}:${copy}`, arrow);
    this.longArrows.add(arrow);
    this.maxBack = Math.max(this.maxBack, anchorIdx - sendIdx);
    return arrow;
  }

  /**
   * The index of the first event whose seq is at least `seq` (events are appended in seq order;
   * a filtered index skips some seqs); `length` when there is none.
   */
  indexOfSeq(seq: number): number {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid].seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The axis position of event i. */
  pos(i: number, mode: AxisMode): number {
    return mode === 'order' ? i : this.timePos[i];
  }

  /** The event index range [from, to) whose positions lie in [x0, x1], among the first `limit`. */
  range(x0: number, x1: number, mode: AxisMode, limit = this.length): [number, number] {
    if (mode === 'order') {
      return [Math.max(0, Math.ceil(x0)), Math.min(limit, Math.floor(x1) + 1)];
    }
    return [lowerBound(this.timePos, x0, limit), upperBound(this.timePos, x1, limit)];
  }

  /**
   * The arrows that may cross the event range [from, to): those sent before `to` and not ended
   * before `from`. Binary search on the anchor keeps this proportional to what is on screen.
   */
  arrowsIn(from: number, to: number, limit = this.length, out: Arrow[] = []): Arrow[] {
    out.length = 0;
    const lo = lowerBound(this.anchors(), from - this.maxFwd);
    const hiAnchor = to + this.maxBack;
    const arrows = this.arrows;
    for (let k = lo; k < arrows.length; k++) {
      const a = arrows[k];
      if (a.anchorIdx > hiAnchor) break;
      if (this.longArrows.has(a)) continue;
      if (visible(a, from, to, limit)) out.push(a);
    }
    for (const a of this.longArrows) if (visible(a, from, to, limit)) out.push(a);
    return out;
  }

  private anchorCache = { length: 0, arr: new Float64Array(1024) };

  /** Anchor indices of all arrows, non-decreasing (arrows are created in event order). */
  private anchors(): Float64Array {
    const c = this.anchorCache;
    if (c.length !== this.arrows.length) {
      if (c.arr.length < this.arrows.length) {
        const grown = new Float64Array(Math.max(this.arrows.length, c.arr.length * 2));
        grown.set(c.arr.subarray(0, c.length));
        c.arr = grown;
      }
      for (let k = c.length; k < this.arrows.length; k++) c.arr[k] = this.arrows[k].anchorIdx;
      c.length = this.arrows.length;
    }
    return c.arr.subarray(0, c.length);
  }

  /** The full extent of the axis over the first `limit` events. */
  extent(mode: AxisMode, limit = this.length): [number, number] {
    if (limit <= 0) return [0, 1];
    return [this.pos(0, mode), this.pos(limit - 1, mode)];
  }
}

function visible(a: Arrow, from: number, to: number, limit: number): boolean {
  if (a.anchorIdx >= limit || a.sendIdx >= to) return false;
  const end = a.endIdx < 0 || a.endIdx >= limit ? limit : a.endIdx;
  return end >= from;
}
