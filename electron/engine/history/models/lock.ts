/** The lock service: try-acquire and release of named locks, each held by at most one client. */
import type { Operation } from '../history.js';
import { ILLEGAL, type Model } from '../model.js';
import { LOCK_OPS } from '../ops.js';

/** Who holds the lock, or null when it is free. */
type Holder = string | null;

export const lockModel: Model<Holder> = {
  name: 'lock',
  partitionKey: (o) => (o.op as { key: string }).key,
  init: () => null,
  step(state, o) {
    const known = o.status === 'ok';
    switch (o.op.f) {
      case 'acquire': {
        const granted = state === null;
        if (known && o.result !== granted) return ILLEGAL;
        return granted ? o.client : state;
      }
      case 'release': {
        const held = state === o.client;
        if (known && o.result !== held) return ILLEGAL;
        return held ? null : state;
      }
      default:
        return ILLEGAL;
    }
  },
  stateKey: (s) => (s === null ? '\u0000' : 'h' + s),
  stateView: (s) => (s === null ? { free: true } : { holder: s }),
  explain(state, o) {
    const key = (o.op as { key: string }).key;
    const now = state === null ? `${key} is free` : state === o.client ? `${o.client} already holds ${key}` : `${state} holds ${key}`;
    if (o.op.f === 'acquire') return o.result === true ? `${o.client} got ${key}, but ${now}` : `${o.client} was refused ${key}, but ${now}`;
    return o.result === true ? `${o.client} released ${key}, but ${now}` : `${o.client} could not release ${key}, but ${now}`;
  },
  opProblem: (o) => ((LOCK_OPS as readonly string[]).includes(o.op.f) ? null : `${o.op.f} is not a lock operation`),
  inert: () => false,
};
