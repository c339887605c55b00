/**
 * One closed-loop client: one operation outstanding at a time; each attempt waits `timeoutMs`, then
 * the same request (same id, so a service can execute it at most once) goes to the next node, or at
 * once to the node a redirect names. An operation the service answered is `ok` (a reply) or `fail` (a
 * reject); one still unanswered after `maxAttempts` attempts, or when the run ends, is `info`: it may
 * have taken effect, or may still. Host-independent: the simulator and the supervisor drive it.
 */
import type { NodeId } from '@paxlab/sdk';
import type { ClientId, Op } from '../history/index.js';
import { decodeResult, encodeRequest } from './codec.js';
import { type AnswerMessage, type RequestMessage, requestId } from './messages.js';

export interface ClientTiming {
  /** How long one attempt waits for an answer (ms, virtual under simulation). */
  timeoutMs: number;
  /** Attempts per operation before it is given up as unknown (`info`). */
  maxAttempts: number;
  /** Pause between an answer and the next operation. */
  thinkMs: number;
}

export const DEFAULT_CLIENT_TIMING: Readonly<ClientTiming> = Object.freeze({ timeoutMs: 150, maxAttempts: 8, thinkMs: 0 });

/** A history event as a client makes it: the host stamps time and order. */
export type ClientRecord =
  | { type: 'invoke'; client: ClientId; request: string; op: Op; node: NodeId }
  | { type: 'ok'; client: ClientId; request: string; result: unknown; node: NodeId }
  | { type: 'fail'; client: ClientId; request: string; reason: string; node?: NodeId }
  | { type: 'info'; client: ClientId; request: string; reason: string };

/** What a client needs from the harness that runs it. */
export interface ClientHost {
  /** The nodes a client may ask, ascending. */
  readonly nodes: readonly NodeId[];
  /** Hand `msg` to the network for `node`. */
  send(client: ClientId, node: NodeId, msg: RequestMessage): void;
  /** Arm the client's one timer (re-arming replaces it). */
  setTimer(client: ClientId, delayMs: number): void;
  cancelTimer(client: ClientId): void;
  record(event: ClientRecord): void;
}

interface Outstanding {
  op: Op;
  seq: number;
  request: string;
  attempts: number;
  node: NodeId;
}

export class ClientSession {
  private readonly queue: Op[];
  private seq = 0;
  private current: Outstanding | null = null;
  private thinking = false;
  /** The node to try first: the last one that answered (likely the leader), or a redirect's target. */
  private preferred: NodeId;
  private onIdle: (() => void) | null = null;

  constructor(
    readonly id: ClientId,
    ops: readonly Op[],
    private readonly host: ClientHost,
    private readonly timing: ClientTiming = DEFAULT_CLIENT_TIMING,
    firstNode?: NodeId,
  ) {
    this.queue = [...ops];
    const k = Number(id.slice(1)) - 1;
    this.preferred = firstNode ?? host.nodes[(Number.isFinite(k) ? k : 0) % host.nodes.length];
  }

  /** True when the client has nothing outstanding and nothing left to do. */
  get idle(): boolean {
    return this.current === null && !this.thinking && this.queue.length === 0;
  }

  /** Operations not started yet, and the one outstanding. */
  get pending(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  /** Begin (or, after more work was added, go on); `onIdle` is called whenever the client runs dry. */
  start(onIdle?: () => void): void {
    if (onIdle) this.onIdle = onIdle;
    if (this.current === null && !this.thinking) this.next();
  }

  /** More operations at the end of the list (the final reads). */
  add(ops: readonly Op[]): void {
    this.queue.push(...ops);
  }

  /** An answer arrived from `from`. Answers to anything but the outstanding request are stale: ignored. */
  onAnswer(from: NodeId, msg: AnswerMessage): void {
    const cur = this.current;
    if (!cur || msg.request !== cur.request) return;
    if (msg.kind === 'redirect') {
      const to = this.host.nodes.includes(msg.leader) ? msg.leader : this.after(cur.node);
      this.preferred = to;
      return this.attempt(cur, to);
    }
    this.preferred = from;
    this.current = null;
    this.host.cancelTimer(this.id);
    if (msg.kind === 'reply') this.host.record({ type: 'ok', client: this.id, request: cur.request, result: decodeResult(cur.op, msg.result), node: from });
    else this.host.record({ type: 'fail', client: this.id, request: cur.request, reason: msg.reason, node: from });
    this.afterAnswer();
  }

  onTimer(): void {
    if (this.thinking) {
      this.thinking = false;
      return this.next();
    }
    const cur = this.current;
    if (!cur) return;
    this.attempt(cur, this.after(cur.node));
  }

  /** The run is over: an outstanding operation's outcome stays unknown. */
  finish(reason = 'the run ended before an answer came'): void {
    this.host.cancelTimer(this.id);
    this.thinking = false;
    this.queue.length = 0;
    const cur = this.current;
    this.current = null;
    if (cur) this.host.record({ type: 'info', client: this.id, request: cur.request, reason });
  }

  private next(): void {
    const op = this.queue.shift();
    if (!op) {
      this.onIdle?.();
      return;
    }
    const seq = ++this.seq;
    const cur: Outstanding = { op, seq, request: requestId(this.id, seq), attempts: 0, node: this.preferred };
    this.current = cur;
    this.host.record({ type: 'invoke', client: this.id, request: cur.request, op, node: cur.node });
    this.attempt(cur, cur.node);
  }

  private attempt(cur: Outstanding, node: NodeId): void {
    if (cur.attempts >= this.timing.maxAttempts) {
      this.current = null;
      this.host.cancelTimer(this.id);
      this.host.record({ type: 'info', client: this.id, request: cur.request, reason: `no answer after ${cur.attempts} attempts` });
      return this.afterAnswer();
    }
    cur.attempts++;
    cur.node = node;
    this.host.send(this.id, node, { kind: 'request', request: cur.request, client: this.id, seq: cur.seq, value: encodeRequest(cur.op) });
    this.host.setTimer(this.id, this.timing.timeoutMs);
  }

  private afterAnswer(): void {
    if (this.timing.thinkMs > 0 && this.queue.length > 0) {
      this.thinking = true;
      this.host.setTimer(this.id, this.timing.thinkMs);
    } else this.next();
  }

  private after(node: NodeId): NodeId {
    const nodes = this.host.nodes;
    return nodes[(nodes.indexOf(node) + 1) % nodes.length];
  }
}
