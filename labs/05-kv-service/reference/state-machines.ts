/**
 * The state machines a service node applies its log to, one per history model of the same name
 * (electron/engine/history/models): a key-value store, a lock service and the lecture's command log.
 * Each command arrives as a client request's value (labs/sdk/service.ts): an operation as JSON, or a
 * log command's text; each result leaves as a reply's result. Deterministic: replicas that apply the
 * same commands in the same order hold the same state and give the same answers.
 */
import { encodeLog, encodeServiceResult, parseServiceOp } from '@paxlab/sdk';
import type { ServiceMachine, Value } from '@paxlab/sdk';

/** What one command did: its result (a reply's text), or why it could not run (nothing changed). */
export type Outcome = { ok: true; result: Value } | { ok: false; reason: string };

export interface StateMachine {
  readonly kind: ServiceMachine;
  /** Run one command for `client` (who holds a lock); never throws. */
  execute(value: Value, client: string): Outcome;
  /** The state as JSON, for snapshots. */
  snapshot(): unknown;
  /** Replace the state with a snapshot's; false (state unchanged) when it is not one. */
  restore(snapshot: unknown): boolean;
  /** The state for a human (the playground's replica view). */
  view(): unknown;
}

export function createMachine(kind: ServiceMachine): StateMachine {
  switch (kind) {
    case 'kv':
      return new KvStore();
    case 'lock':
      return new LockService();
    case 'log':
      return new CommandLog();
  }
}

const wrong = (kind: string, value: Value): Outcome => ({ ok: false, reason: `not a ${kind} operation: ${value.length > 60 ? value.slice(0, 57) + '...' : value}` });

const isPairs = (s: unknown): s is Array<[string, string]> =>
  Array.isArray(s) && s.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string');

/** get, put, append (string concatenation; a missing key is ''), cas (null `from`: missing). */
export class KvStore implements StateMachine {
  readonly kind = 'kv' as const;
  private data = new Map<string, string>();

  execute(value: Value): Outcome {
    const op = parseServiceOp(value);
    if (!op) return wrong('key-value', value);
    switch (op.f) {
      case 'get':
        return { ok: true, result: encodeServiceResult(this.data.get(op.key) ?? null) };
      case 'put':
        this.data.set(op.key, op.value);
        return { ok: true, result: encodeServiceResult(null) };
      case 'append':
        this.data.set(op.key, (this.data.get(op.key) ?? '') + op.value);
        return { ok: true, result: encodeServiceResult(null) };
      case 'cas': {
        const swaps = (this.data.get(op.key) ?? null) === op.from;
        if (swaps) this.data.set(op.key, op.to);
        return { ok: true, result: encodeServiceResult(swaps) };
      }
      default:
        return wrong('key-value', value);
    }
  }

  snapshot(): unknown {
    return [...this.data];
  }

  restore(s: unknown): boolean {
    if (!isPairs(s)) return false;
    this.data = new Map(s);
    return true;
  }

  view(): unknown {
    return Object.fromEntries(this.data);
  }
}

/** acquire (true when the lock was free; the client now holds it), release (true when the client held it). */
export class LockService implements StateMachine {
  readonly kind = 'lock' as const;
  private holders = new Map<string, string>();

  execute(value: Value, client: string): Outcome {
    const op = parseServiceOp(value);
    if (op?.f === 'acquire') {
      if (this.holders.has(op.key)) return { ok: true, result: encodeServiceResult(false) };
      this.holders.set(op.key, client);
      return { ok: true, result: encodeServiceResult(true) };
    }
    if (op?.f === 'release') {
      if (this.holders.get(op.key) !== client) return { ok: true, result: encodeServiceResult(false) };
      this.holders.delete(op.key);
      return { ok: true, result: encodeServiceResult(true) };
    }
    return wrong('lock', value);
  }

  snapshot(): unknown {
    return [...this.holders];
  }

  restore(s: unknown): boolean {
    if (!isPairs(s)) return false;
    this.holders = new Map(s);
    return true;
  }

  view(): unknown {
    return Object.fromEntries(this.holders);
  }
}

/** The lecture's σ: each command is appended; the result is the whole log after it. */
export class CommandLog implements StateMachine {
  readonly kind = 'log' as const;
  private commands: string[] = [];

  execute(value: Value): Outcome {
    if (parseServiceOp(value) || value === '' || /\s/.test(value)) return wrong('command-log', value);
    this.commands.push(value);
    return { ok: true, result: encodeLog(this.commands) };
  }

  snapshot(): unknown {
    return [...this.commands];
  }

  restore(s: unknown): boolean {
    if (!Array.isArray(s) || !s.every((c) => typeof c === 'string')) return false;
    this.commands = [...s];
    return true;
  }

  view(): unknown {
    return [...this.commands];
  }
}
