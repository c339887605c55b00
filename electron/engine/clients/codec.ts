/**
 * How operations travel to nodes and results come back (labs/sdk/service.ts describes the same
 * encoding for the services students write): a request's value is the operation as JSON, except a
 * log command, which is the command itself; a reply's result is JSON, except the log's, which is its
 * commands separated by spaces.
 */
import type { Value } from '@paxlab/sdk';
import type { Op } from '../history/index.js';

export function encodeRequest(op: Op): Value {
  return op.f === 'exec' ? op.value : JSON.stringify(op);
}

/** A reply's result as the history records it; text that does not decode is kept as it is (the model judges it). */
export function decodeResult(op: Op, result: Value): unknown {
  if (op.f === 'exec') return result === '' ? [] : result.split(' ');
  try {
    return JSON.parse(result) as unknown;
  } catch {
    return result;
  }
}
