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
};
