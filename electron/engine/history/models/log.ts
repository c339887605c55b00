/**
 * The lecture's command log: every request appends its command and sees the whole log after it
 * (C1 sees σ²¹ after m2 then m1). One log, so one partition.
 */
import type { Operation } from '../history.js';
import { ILLEGAL, type Model } from '../model.js';

/** A log as an immutable list, newest last, with its text key computed once. */
interface Log {
  items: readonly string[];
  key: string;
}

const EMPTY: Log = { items: [], key: '' };

function sameLog(result: unknown, items: readonly string[]): boolean {
  if (!Array.isArray(result) || result.length !== items.length) return false;
  for (let i = 0; i < items.length; i++) if (result[i] !== items[i]) return false;
  return true;
}

export const logModel: Model<Log> = {
  name: 'log',
  partitionKey: () => '',
  init: () => EMPTY,
  step(state, o) {
    if (o.op.f !== 'exec') return ILLEGAL;
    const items = [...state.items, o.op.value];
    if (o.status === 'ok' && !sameLog(o.result, items)) return ILLEGAL;
    return { items, key: state.key + '\u0000' + o.op.value };
  },
  stateKey: (s) => s.key,
  stateView: (s) => [...s.items],
  explain(state, o) {
    const after = [...state.items, (o.op as { value: string }).value];
    const seen = Array.isArray(o.result) ? (o.result.length ? o.result.join(' ') : '(empty)') : JSON.stringify(o.result);
    return `${o.client} saw the log ${seen}, but after ${state.items.length ? state.items.join(' ') : 'nothing'} it would be ${after.join(' ')}`;
  },
  opProblem: (o) => (o.op.f === 'exec' ? null : `${o.op.f} is not a log command`),
  inert: () => false,
};
