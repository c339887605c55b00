/** Output checks for the multi-decree role calls (the student's roles of lab 04 may run here). */
import type { Decision, MultiAcceptMsg, MultiLearnMsg, MultiPrepareMsg, MultiPromiseMsg } from '@paxlab/sdk';
import type { Check } from '../../paxos-node/guard.js';

const isObj = (o: unknown): o is Record<string, unknown> => typeof o === 'object' && o !== null && !Array.isArray(o);
const isCount = (r: unknown): r is number => typeof r === 'number' && Number.isSafeInteger(r) && r >= 0;
const isSlot = (r: unknown): r is number => typeof r === 'number' && Number.isSafeInteger(r) && r >= 1;

export const isMultiPrepare: Check<MultiPrepareMsg> = (o): o is MultiPrepareMsg =>
  isObj(o) && o.kind === 'prepare' && isCount(o.from) && isCount(o.crnd) && isSlot(o.slot);
export const isMultiPromise: Check<MultiPromiseMsg> = (o): o is MultiPromiseMsg =>
  isObj(o) && o.kind === 'promise' && isCount(o.from) && isCount(o.to) && isCount(o.rnd) && isSlot(o.slot) &&
  Array.isArray(o.votes) && o.votes.every((v) => isObj(v) && isSlot(v.slot) && isCount(v.vrnd) && typeof v.vval === 'string');
export const isMultiAccept: Check<MultiAcceptMsg> = (o): o is MultiAcceptMsg =>
  isObj(o) && o.kind === 'accept' && isCount(o.from) && isSlot(o.slot) && isCount(o.rnd) && typeof o.val === 'string';
export const isMultiLearn: Check<MultiLearnMsg> = (o): o is MultiLearnMsg =>
  isObj(o) && o.kind === 'learn' && isCount(o.from) && isSlot(o.slot) && isCount(o.rnd) && typeof o.val === 'string';
export const isDecision: Check<Decision> = (o): o is Decision => isObj(o) && isSlot(o.slot) && typeof o.val === 'string';
export const isAcceptList: Check<MultiAcceptMsg[]> = (o): o is MultiAcceptMsg[] => Array.isArray(o) && o.every((a) => isMultiAccept(a));
/** For calls whose result is ignored (replays at recovery, `decided`). */
export const anything: Check<unknown> = (_o): _o is unknown => true;
