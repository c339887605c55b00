/**
 * The client sessions of a pinned execution, hosted by its driver (the same for the simulator and
 * the cluster): ordinary closed-loop sessions (engine/clients) whose one timer is only armed — the
 * script fires it, as `invoke` (the pause after an answer is over: the next operation starts) or as
 * `timeout` (the outstanding request gives up on this node and goes to the next).
 */
import type { NodeId } from '@paxlab/sdk';
import { ClientSession, type ClientRecord, type ClientTiming, type AnswerMessage, type RequestMessage } from '../clients/index.js';
import type { Op } from '../history/index.js';
import type { ClientView } from './core.js';

/** Timers only matter as "armed or not"; a think time above 0 makes every next operation wait for `invoke`. */
const SCRIPTED_TIMING: ClientTiming = { timeoutMs: 1000, maxAttempts: 8, thinkMs: 1 };

export interface ClientIo {
  send(client: string, node: NodeId, msg: RequestMessage): void;
  record(e: ClientRecord): void;
}

interface State {
  session: ClientSession;
  started: boolean;
  armed: boolean;
  /** The request waiting for an answer, if any. */
  outstanding: string | null;
  left: number;
}

export class ScriptedClients {
  private readonly clients = new Map<string, State>();

  constructor(ops: Record<string, Op[]>, nodes: readonly NodeId[], io: ClientIo) {
    for (const [id, list] of Object.entries(ops)) {
      const state = {} as State;
      const host = {
        nodes,
        send: (client: string, node: NodeId, msg: RequestMessage) => io.send(client, node, msg),
        setTimer: () => void (state.armed = true),
        cancelTimer: () => void (state.armed = false),
        record: (e: ClientRecord) => {
          if (e.type === 'invoke') {
            state.outstanding = e.request;
            state.left--;
          } else state.outstanding = null;
          io.record(e);
        },
      };
      Object.assign(state, { session: new ClientSession(id, list, host, SCRIPTED_TIMING), started: false, armed: false, outstanding: null, left: list.length });
      this.clients.set(id, state);
    }
  }

  get ids(): string[] {
    return [...this.clients.keys()];
  }

  view(id: string): ClientView {
    const c = this.clients.get(id);
    if (!c) return { canInvoke: 'is not a client of this run', canTimeout: 'is not a client of this run' };
    const canInvoke = c.outstanding ? `is still waiting for ${c.outstanding}` : c.left === 0 ? 'has no operation left' : true;
    const canTimeout = c.outstanding && c.armed ? true : c.outstanding ? 'has given up on its request' : 'is not waiting for an answer';
    return { canInvoke, canTimeout };
  }

  invoke(id: string): void {
    const c = this.clients.get(id)!;
    if (!c.started) {
      c.started = true;
      c.session.start();
    } else {
      // The think pause after the last answer ends: the session starts its next operation.
      c.armed = false;
      c.session.onTimer();
    }
  }

  timeout(id: string): void {
    const c = this.clients.get(id)!;
    c.armed = false;
    c.session.onTimer();
  }

  answer(client: string, from: NodeId, msg: AnswerMessage): void {
    this.clients.get(client)?.session.onAnswer(from, msg);
  }

  /** The run is over: outstanding operations are `info`. */
  finish(): void {
    for (const c of this.clients.values()) c.session.finish('the pinned execution ended before an answer came');
  }
}
