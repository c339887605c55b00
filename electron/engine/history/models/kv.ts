/** The key-value register: get, put, append (string concatenation) and compare-and-set, per key. */
import type { Operation } from '../history.js';
import { ILLEGAL, type Model } from '../model.js';
import { KV_OPS } from '../ops.js';

type Value = string | null;
const q = (v: unknown) => JSON.stringify(v);

export const kvModel: Model<Value> = {
  name: 'kv',
  partitionKey: (o) => (o.op as { key: string }).key,
  init: () => null,
  step(state, o) {
    const op = o.op;
    const known = o.status === 'ok';
    switch (op.f) {
      case 'get':
        return !known || o.result === state ? state : ILLEGAL;
      case 'put':
        return op.value;
      case 'append':
        return (state ?? '') + op.value;
      case 'cas': {
        const swaps = state === op.from;
        if (known && o.result !== swaps) return ILLEGAL;
        return swaps ? op.to : state;
      }
      default:
        return ILLEGAL;
    }
  },
  stateKey: (s) => (s === null ? '\u0000' : 's' + s),
  stateView: (s) => s,
  explain(state, o) {
    const op = o.op;
    const holds = state === null ? `${(op as { key: string }).key} is missing` : `${(op as { key: string }).key} holds ${q(state)}`;
    if (op.f === 'get') return `it returned ${q(o.result)}, but ${holds}`;
    if (op.f === 'cas') return `it returned ${q(o.result)}, but ${holds}, so the swap ${state === op.from ? 'happens' : 'does not happen'}`;
    return `${o.op.f} cannot go wrong; the operations around it cannot be ordered`;
  },
  opProblem: (o) => ((KV_OPS as readonly string[]).includes(o.op.f) ? null : `${o.op.f} is not a key-value operation`),
  inert: (o) => o.op.f === 'get',
  viable(ops) {
    // A key only appended to and read grows and never shrinks: each state on the way must be a
    // prefix of what every read still to be placed returned. Without this, k appends in flight
    // at once are tried in their k! orders before a read rules them out.
    if (!ops.every((o) => o.op.f === 'append' || o.op.f === 'get')) return null;
    const reads: Array<{ i: number; saw: Value }> = [];
    ops.forEach((o, i) => {
      if (o.op.f === 'get' && o.status === 'ok' && (o.result === null || typeof o.result === 'string')) reads.push({ i, saw: o.result });
    });
    if (reads.length === 0) return null;
    return (state, placed) => {
      for (const r of reads) {
        if (placed(r.i)) continue;
        if (r.saw === null ? state !== null : state !== null && !r.saw.startsWith(state)) return false;
      }
      return true;
    };
  },
};
