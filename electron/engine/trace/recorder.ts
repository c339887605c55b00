import { type MetaEvent, type Participant, TRACE_FORMAT, type TraceEvent, type UnstampedEvent } from './events.js';

type Listener = (event: TraceEvent) => void;

/**
 * Stamps events with `seq` and a Lamport clock `lc` and keeps them in order. One recorder per run:
 * the simulator and the real hub both record through it, so both produce the same format.
 */
export class TraceRecorder {
  readonly events: TraceEvent[] = [];
  /** Lamport clock per node id (arrays: ids are small integers, and this runs per message). */
  private clocks: number[] = [];
  /** Lamport clock per client (format /2). */
  private clientClocks = new Map<string, number>();
  /** The send event's clock per message id, for deliver's max(receiver, send) + 1. */
  private sendClock: number[] = [];
  private maxClock = 0;
  private listeners = new Set<Listener>();
  /** The next event's seq: not events.length, since discardOldest may shorten the array. */
  private nextSeq = 1;
  /** How many events after the meta line discardOldest has removed. */
  discarded = 0;

  constructor(meta: Omit<MetaEvent, 'seq' | 'lc' | 'type' | 'format' | 't'> & { t?: number }) {
    this.events.push({ type: 'meta', format: TRACE_FORMAT, seq: 0, lc: 0, t: meta.t ?? 0, ...meta } as MetaEvent);
  }

  get meta(): MetaEvent {
    return this.events[0] as MetaEvent;
  }

  /** Subscribe to events as they are recorded; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  record(event: UnstampedEvent): TraceEvent {
    const lc = this.clockFor(event);
    if (lc > this.maxClock) this.maxClock = lc;
    const stamped = { ...event, seq: this.nextSeq++, lc } as TraceEvent;
    this.events.push(stamped);
    for (const l of this.listeners) l(stamped);
    return stamped;
  }

  /**
   * Like `record`, but stamps `event` in place instead of copying it: for hot paths (the simulator,
   * the hub) whose event objects are fresh and never touched again by the caller. A hot path may
   * create the event with `seq: 0, lc: 0` already in it (overwritten here): adding two fields to
   * an object literal afterwards costs V8 an extra allocation per event.
   */
  recordOwned(event: UnstampedEvent | TraceEvent): TraceEvent {
    const lc = this.clockFor(event);
    if (lc > this.maxClock) this.maxClock = lc;
    const stamped = event as TraceEvent;
    stamped.seq = this.nextSeq++;
    stamped.lc = lc;
    this.events.push(stamped);
    if (this.listeners.size > 0) for (const l of this.listeners) l(stamped);
    return stamped;
  }

  /**
   * Remove the `count` oldest events after the meta line (to bound a long run's memory); later
   * events keep their seq, so seq stays monotonic but no longer equals the array index.
   */
  discardOldest(count: number): number {
    const n = Math.max(0, Math.min(Math.floor(count), this.events.length - 1));
    if (n > 0) this.events.splice(1, n);
    this.discarded += n;
    return n;
  }

  private tick(p: Participant, atLeast = 0): number {
    if (typeof p === 'string') {
      const next = Math.max(this.clientClocks.get(p) ?? 0, atLeast) + 1;
      this.clientClocks.set(p, next);
      return next;
    }
    const next = Math.max(this.clocks[p] ?? 0, atLeast) + 1;
    this.clocks[p] = next;
    return next;
  }

  private clockFor(e: UnstampedEvent | TraceEvent): number {
    switch (e.type) {
      case 'send': {
        const lc = this.tick(e.from);
        this.sendClock[e.id] = lc;
        return lc;
      }
      case 'deliver':
        return this.tick(e.to, this.sendClock[e.id] ?? 0);
      case 'drop':
      case 'duplicate':
      case 'delay':
        // Network events happen "at" the message: right after its send.
        return (this.sendClock[e.id] ?? this.maxClock) + 1;
      case 'timer':
      case 'start':
      case 'crash':
      case 'restart':
      case 'decide':
      case 'client-request':
      case 'client-reply':
      case 'log':
        return this.tick(e.node);
      case 'invoke':
      case 'ok':
      case 'fail':
      case 'info':
        return this.tick(e.client);
      case 'error':
        return e.node !== undefined ? this.tick(e.node) : this.maxClock + 1;
      default:
        return this.maxClock + 1;
    }
  }
}
