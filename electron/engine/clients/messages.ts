/**
 * The messages between client sessions and nodes. They cross the network like the nodes' own
 * messages (a `send` from `c1` to node 2, then a `deliver` or a `drop`), so loss, duplication and
 * delay apply to them; a node sees a request as `onClientRequest` and answers with `ctx.reply`,
 * `ctx.redirect` or `ctx.reject`, which the harness turns into the answer messages.
 */
import type { NodeId, Value } from '@paxlab/sdk';
import type { ClientId } from '../trace/events.js';

/** Client → node: please execute `value` (request id `request` = `<client>:<seq>`). */
export interface RequestMessage {
  kind: 'request';
  request: string;
  client: ClientId;
  seq: number;
  value: Value;
}
/** Node → client: executed, with this result. */
export interface ReplyMessage {
  kind: 'reply';
  request: string;
  result: Value;
}
/** Node → client: not executed here, ask `leader`. */
export interface RedirectMessage {
  kind: 'redirect';
  request: string;
  leader: NodeId;
}
/** Node → client: not executed, and never will be. */
export interface RejectMessage {
  kind: 'reject';
  request: string;
  reason: string;
}
export type AnswerMessage = ReplyMessage | RedirectMessage | RejectMessage;
export type ClientMessage = RequestMessage | AnswerMessage;

export const requestId = (client: ClientId, seq: number): string => `${client}:${seq}`;

export function isRequestMessage(m: unknown): m is RequestMessage {
  const r = m as RequestMessage;
  return !!r && r.kind === 'request' && typeof r.request === 'string' && typeof r.client === 'string' && typeof r.seq === 'number' && typeof r.value === 'string';
}

export function isAnswerMessage(m: unknown): m is AnswerMessage {
  const a = m as AnswerMessage;
  if (!a || typeof a.request !== 'string') return false;
  if (a.kind === 'reply') return typeof a.result === 'string';
  if (a.kind === 'redirect') return typeof a.leader === 'number';
  if (a.kind === 'reject') return typeof a.reason === 'string';
  return false;
}
