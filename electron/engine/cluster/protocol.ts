/**
 * The frames of the node↔hub data plane (docs/wire-protocol.md is the normative description; keep
 * the two in step). Every frame is a JSON object with a `type`.
 */
import type { NodeId, Value } from '@paxlab/sdk';
import type { WireMessage } from '../trace/events.js';

/** The protocol version a node announces in `hello`. */
export const WIRE_VERSION = 1;

// ---- node → hub ----

/** First frame on a connection: who the node is, proven by the cluster token. */
export interface HelloFrame {
  type: 'hello';
  version: number;
  token: string;
  node: NodeId;
  pid?: number;
}
/** Hand `msg` to the network for node `to`. */
export interface SendFrame {
  type: 'send';
  to: NodeId;
  msg: WireMessage;
}
export interface DecideFrame {
  type: 'decide';
  value: Value;
  slot?: number;
}
export interface ReplyFrame {
  type: 'reply';
  request: string;
  result: Value;
}
/** Not executed here: the client should ask node `to`. */
export interface RedirectFrame {
  type: 'redirect';
  request: string;
  to: NodeId;
}
/** Not executed, and never will be (`ctx.reject`; named apart from the handshake's `reject`). */
export interface RefuseFrame {
  type: 'refuse';
  request: string;
  reason: string;
}
export interface LogFrame {
  type: 'log';
  text: string;
}
export interface ErrorFrame {
  type: 'error';
  message: string;
}
/**
 * The node's timer `name` fired (recorded so a cluster trace can be replayed in the simulator):
 * after `after` deliveries and client requests handled, at the node's clock `at`.
 */
export interface TimerFrame {
  type: 'timer';
  name: string;
  after?: number;
  at?: number;
}
/** The node ran its `onStart` at its clock `at` (recorded for replay). */
export interface StartedFrame {
  type: 'started';
  at: number;
}

// Scripted mode (a pinned execution, docs/chapters.md): the node's timers fire only when the hub
// says, and the node says when it has handled each input, so the script can take its next step.

/** Scripted mode: the node armed (or re-armed) its timer `name`. */
export interface TimerSetFrame {
  type: 'timer-set';
  name: string;
}
/** Scripted mode: the node disarmed its timer `name`. */
export interface TimerCancelFrame {
  type: 'timer-cancel';
  name: string;
}
/** Scripted mode: the node finished handling its start, a delivery, a client request or a timer; every frame that step produced came before. */
export interface HandledFrame {
  type: 'handled';
}

export type NodeFrame =
  | HelloFrame
  | SendFrame
  | DecideFrame
  | ReplyFrame
  | RedirectFrame
  | RefuseFrame
  | LogFrame
  | ErrorFrame
  | TimerFrame
  | StartedFrame
  | TimerSetFrame
  | TimerCancelFrame
  | HandledFrame;

// ---- hub → node ----

export interface WelcomeFrame {
  type: 'welcome';
  node: NodeId;
  nodes: NodeId[];
  /** Wall-clock epoch (ms) of the cluster start: `now()` is measured from it. */
  t0: number;
}
export interface RejectFrame {
  type: 'reject';
  reason: string;
}
/**
 * The network delivers copy `copy` of message `id` from node `from`; `t` is the hub's time of the
 * delivery, the node's clock while it handles it.
 */
export interface DeliverFrame {
  type: 'deliver';
  id: number;
  from: NodeId;
  copy: number;
  t?: number;
  msg: WireMessage;
}
/** A client request: from a client session (`client`, `seq` set) or handed to the node directly. */
export interface ClientRequestFrame {
  type: 'client-request';
  request: { id: string; value: Value; client?: string; seq?: number };
  t?: number;
}

/** Scripted mode: run the start-up handler now (a scripted node waits for this after `welcome`). */
export interface BootFrame {
  type: 'boot';
}
/** Scripted mode: fire the armed timer `name` now. */
export interface FireFrame {
  type: 'fire';
  name: string;
}

export type HubFrame = WelcomeFrame | RejectFrame | DeliverFrame | ClientRequestFrame | BootFrame | FireFrame;
