/**
 * The state of a replicated service: one deterministic state machine that executes client commands
 * — a command-log entry (`m1`), or a key-value or lock operation as JSON (service.ts) — and answers
 * each with its result as a reply carries it. Replicas that apply the same commands in the same
 * order hold the same state and give the same answers.
 *
 * Each command names the request it came from (`c1:3`: client c1's third operation). A request a
 * client already had executed (the same or an earlier seq) is not executed again: it changes
 * nothing, and `apply` returns the answer it had. So a retried or duplicated request runs at most
 * once, wherever it lands in the log.
 *
 * The whole state is JSON (`save`, the constructor), ready for stable storage.
 */
import type { Value } from './messages.js';
import { encodeLog, encodeServiceResult, parseServiceOp } from './service.js';

export interface ServiceSnapshot {
  log: string[];
  kv: Record<string, string>;
  locks: Record<string, string>;
  /** Per client: the last seq executed and its answer. */
  last: Record<string, { seq: number; result: Value }>;
}

/** The client and sequence number of a request id `<client>:<seq>`, or null for another id. */
export function requestOrigin(request: string): { client: string; seq: number } | null {
  const m = /^(c[1-9][0-9]*):([1-9][0-9]*)$/.exec(request);
  return m ? { client: m[1], seq: Number(m[2]) } : null;
}

export class ServiceState {
  private readonly state: ServiceSnapshot;

  constructor(saved?: ServiceSnapshot | null) {
    const s = saved ?? { log: [], kv: {}, locks: {}, last: {} };
    this.state = { log: [...s.log], kv: { ...s.kv }, locks: { ...s.locks }, last: { ...s.last } };
  }

  /** The command log: every log command executed, in order. */
  get log(): readonly string[] {
    return this.state.log;
  }

  /** Whether `request` was already executed (it or a later request of the same client). */
  has(request: string): boolean {
    const o = requestOrigin(request);
    const last = o ? this.state.last[o.client] : undefined;
    return !!o && !!last && last.seq >= o.seq;
  }

  /** The answer `request` had, if it was its client's last executed request. */
  answerOf(request: string): Value | undefined {
    const o = requestOrigin(request);
    const last = o ? this.state.last[o.client] : undefined;
    return o && last && last.seq === o.seq ? last.result : undefined;
  }

  /**
   * Execute `value` for `request` and return its answer. A request already executed changes nothing
   * and returns its earlier answer (an older one than the client's last: the last answer).
   */
  apply(request: string, value: Value): Value {
    const o = requestOrigin(request);
    if (o) {
      const last = this.state.last[o.client];
      if (last && last.seq >= o.seq) return last.result;
    }
    const result = this.execute(value, o?.client ?? request);
    if (o) this.state.last[o.client] = { seq: o.seq, result };
    return result;
  }

  /** The state as JSON (a copy). */
  save(): ServiceSnapshot {
    return JSON.parse(JSON.stringify(this.state)) as ServiceSnapshot;
  }

  private execute(value: Value, who: string): Value {
    const op = parseServiceOp(value);
    const s = this.state;
    if (!op) {
      s.log.push(value);
      return encodeLog(s.log);
    }
    const cur = Object.prototype.hasOwnProperty.call(s.kv, op.key) ? s.kv[op.key] : null;
    switch (op.f) {
      case 'get':
        return encodeServiceResult(cur);
      case 'put':
        s.kv[op.key] = op.value;
        return encodeServiceResult(null);
      case 'append':
        s.kv[op.key] = (cur ?? '') + op.value;
        return encodeServiceResult(null);
      case 'cas': {
        const swap = cur === op.from;
        if (swap) s.kv[op.key] = op.to;
        return encodeServiceResult(swap);
      }
      case 'acquire': {
        const free = !Object.prototype.hasOwnProperty.call(s.locks, op.key);
        if (free) s.locks[op.key] = who;
        return encodeServiceResult(free);
      }
      case 'release': {
        const mine = s.locks[op.key] === who;
        if (mine) delete s.locks[op.key];
        return encodeServiceResult(mine);
      }
    }
  }
}
