/**
 * Per-client figures of a run so far, folded from its history events: operations done (answered
 * or given up), how each ended, and the latency of the answered ones (invoke to ok/fail, in the
 * trace's ms). Pure: the same events give the same figures.
 */
import type { ClientId } from '../history/index.js';

export interface ClientStats {
  client: ClientId;
  /** Operations invoked. */
  invoked: number;
  ok: number;
  fail: number;
  info: number;
  /** One operation outstanding now (closed loop: at most one). */
  outstanding: boolean;
  /** Latency percentiles of the answered operations (ms); null before the first answer. */
  p50Ms: number | null;
  p99Ms: number | null;
}

/** The history events this folds (a subset of the trace's events). */
export type ClientEvent =
  | { type: 'invoke'; client: ClientId; request: string; t: number }
  | { type: 'ok' | 'fail' | 'info'; client: ClientId; request: string; t: number };

/** The `q`-quantile (0..1) of ascending `sorted` by the nearest-rank rule. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

export class ClientStatsFold {
  private readonly byClient = new Map<ClientId, { invoked: number; ok: number; fail: number; info: number; latencies: number[] }>();
  private readonly open = new Map<string, { client: ClientId; t: number }>();

  constructor(clients: readonly ClientId[] = []) {
    for (const c of clients) this.entry(c);
  }

  add(e: ClientEvent): void {
    const s = this.entry(e.client);
    if (e.type === 'invoke') {
      s.invoked++;
      this.open.set(e.request, { client: e.client, t: e.t });
      return;
    }
    const started = this.open.get(e.request);
    // A completion of nothing open (a second one, or one whose invoke was never seen) counts nothing.
    if (!started) return;
    this.open.delete(e.request);
    s[e.type]++;
    // Tenths of a millisecond: finer says nothing about a real cluster.
    if (e.type !== 'info') s.latencies.push(Math.round(Math.max(0, e.t - started.t) * 10) / 10);
  }

  /** Operations that ended (any way), over all clients. */
  get completed(): number {
    let n = 0;
    for (const s of this.byClient.values()) n += s.ok + s.fail + s.info;
    return n;
  }

  stats(): ClientStats[] {
    const outstanding = new Set([...this.open.values()].map((o) => o.client));
    return [...this.byClient.entries()]
      .sort((a, b) => Number(a[0].slice(1)) - Number(b[0].slice(1)) || a[0].localeCompare(b[0]))
      .map(([client, s]) => {
        const sorted = [...s.latencies].sort((x, y) => x - y);
        return { client, invoked: s.invoked, ok: s.ok, fail: s.fail, info: s.info, outstanding: outstanding.has(client), p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99) };
      });
  }

  private entry(c: ClientId) {
    let s = this.byClient.get(c);
    if (!s) this.byClient.set(c, (s = { invoked: 0, ok: 0, fail: 0, info: 0, latencies: [] }));
    return s;
  }
}
