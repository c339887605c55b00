/**
 * All the clients of a run: one session each, started together; once every client has run dry, c1
 * makes the plan's final reads (so the exactly-once check has the final values), then the group is
 * done.
 */
import type { NodeId } from '@paxlab/sdk';
import type { ClientId } from '../history/index.js';
import type { AnswerMessage } from './messages.js';
import { ClientSession, DEFAULT_CLIENT_TIMING, type ClientHost, type ClientTiming } from './session.js';
import type { ClientPlan } from './workload.js';

export class ClientGroup {
  readonly sessions: ClientSession[];
  private finalReadsStarted = false;
  private finished = false;
  private readonly onDone: Array<() => void> = [];

  constructor(
    readonly plan: ClientPlan,
    host: ClientHost,
    timing: Partial<ClientTiming> = {},
  ) {
    const t = { ...DEFAULT_CLIENT_TIMING, ...timing };
    this.sessions = plan.clients.map((c) => new ClientSession(c.id, c.ops, host, t));
  }

  get ids(): ClientId[] {
    return this.sessions.map((s) => s.id);
  }

  /** Every client ran its operations and the final reads are answered (or given up). */
  get done(): boolean {
    return this.finished || this.sessions.every((s) => s.idle) && (this.finalReadsStarted || this.plan.finalReads.length === 0);
  }

  start(): void {
    for (const s of this.sessions) s.start(() => this.idleCheck());
  }

  /** Call `fn` once the group is done. */
  whenDone(fn: () => void): void {
    if (this.done) fn();
    else this.onDone.push(fn);
  }

  session(client: ClientId): ClientSession | undefined {
    return this.sessions.find((s) => s.id === client);
  }

  onAnswer(client: ClientId, from: NodeId, msg: AnswerMessage): void {
    this.session(client)?.onAnswer(from, msg);
  }

  onTimer(client: ClientId): void {
    this.session(client)?.onTimer();
  }

  /** End the run: outstanding operations become `info`. */
  finish(reason?: string): void {
    for (const s of this.sessions) s.finish(reason);
    this.finished = true;
    this.fireDone();
  }

  private idleCheck(): void {
    if (!this.sessions.every((s) => s.idle)) return;
    if (!this.finalReadsStarted && this.plan.finalReads.length > 0) {
      this.finalReadsStarted = true;
      const first = this.sessions[0];
      first.add(this.plan.finalReads);
      first.start();
      return;
    }
    this.fireDone();
  }

  private fireDone(): void {
    for (const fn of this.onDone.splice(0)) fn();
  }
}
