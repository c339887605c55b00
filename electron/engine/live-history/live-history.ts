/**
 * The live judgment of a running cluster's clients' history: it keeps the history events as they
 * come (its own copy: the cluster's trace is bounded and may discard them), and after operations
 * complete it re-checks the whole history so far for linearizability, at most once per interval,
 * within a search budget counted in steps — `unknown` when the budget is spent, so the verdict is a
 * function of the history, never of the machine. Operations still outstanding count as unknown
 * outcomes (they may yet take effect), so `ok` means: linearizable so far.
 */
import { checkLinearizability, linearizabilityText, type ClientId, type ModelName } from '../history/index.js';
import { ClientStatsFold, type ClientEvent, type ClientStats } from './client-stats.js';

/** Steps one live check may spend (the offline check allows far more). */
export const LIVE_CHECK_STEPS = 400_000;

export interface LiveVerdict {
  verdict: 'ok' | 'illegal' | 'unknown' | 'none';
  /** One line, as `paxlab check` starts its explanation. */
  summary: string;
  /** Operations completed when the judged history was taken. */
  checkedOps: number;
}

export interface LiveClientsState {
  model: ModelName;
  /** Whether the sessions run: not started yet, running, all done, or ended by a stop. */
  phase: 'idle' | 'running' | 'done' | 'stopped';
  clients: ClientStats[];
  completed: number;
  verdict: LiveVerdict;
}

type HistoryLike = { type: string; seq: number; t: number; client?: string; request?: string };

export interface LiveHistoryOptions {
  model: ModelName;
  clients: readonly ClientId[];
  /** Least time between two checks (ms of the host's clock: it paces work, it decides nothing). */
  intervalMs?: number;
  maxSteps?: number;
  /** Called after every check and phase change with the new state. */
  onChange(state: LiveClientsState): void;
}

const isHistory = (e: HistoryLike): e is HistoryLike & { client: string; request: string } =>
  (e.type === 'invoke' || e.type === 'ok' || e.type === 'fail' || e.type === 'info') && typeof e.client === 'string' && typeof e.request === 'string';

export class LiveHistory {
  private readonly events: HistoryLike[] = [];
  private readonly fold: ClientStatsFold;
  private phase: LiveClientsState['phase'] = 'idle';
  private verdict: LiveVerdict = { verdict: 'none', summary: 'no operation completed yet', checkedOps: 0 };
  private checkedOps = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastCheck = 0;
  /** How long the last check took: a long history is re-judged less often, so the host stays responsive. */
  private lastCost = 0;
  private closed = false;

  constructor(private readonly opts: LiveHistoryOptions) {
    this.fold = new ClientStatsFold(opts.clients);
  }

  /** Feed one trace event (anything but a history event is ignored). */
  push(e: HistoryLike): void {
    if (!isHistory(e)) return;
    this.events.push(e);
    this.fold.add(e as ClientEvent);
    if (e.type !== 'invoke') this.schedule();
  }

  setPhase(phase: LiveClientsState['phase']): void {
    if (this.phase === phase) return;
    this.phase = phase;
    this.emit();
    // The last operations of a finished run get their check too.
    if (phase !== 'running') this.schedule(true);
  }

  state(): LiveClientsState {
    return { model: this.opts.model, phase: this.phase, clients: this.fold.stats(), completed: this.fold.completed, verdict: { ...this.verdict } };
  }

  /** Judge the history so far now (synchronously); what the timer runs. */
  checkNow(): LiveVerdict {
    const completed = this.fold.completed;
    if (completed === 0) return this.verdict;
    const lin = checkLinearizability(this.events, { model: this.opts.model, maxSteps: this.opts.maxSteps ?? LIVE_CHECK_STEPS });
    const summary = linearizabilityText(lin).split('\n')[0];
    this.verdict = { verdict: lin.verdict, summary, checkedOps: completed };
    this.checkedOps = completed;
    return this.verdict;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(soon = false): void {
    if (this.closed || this.timer) return;
    const interval = this.opts.intervalMs ?? 300;
    const wait = soon ? 0 : Math.max(0, this.lastCheck + Math.max(interval, 4 * this.lastCost) - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.closed) return;
      this.lastCheck = Date.now();
      if (this.fold.completed !== this.checkedOps) {
        const t0 = performance.now();
        this.checkNow();
        this.lastCost = performance.now() - t0;
      }
      this.emit();
    }, wait);
  }

  private emit(): void {
    if (!this.closed) this.opts.onChange(this.state());
  }
}
