/** The clients' history of a trace and a replay verdict, as the renderer draws them (api.ts types). */
import type { HistoryModel, HistoryOpView, HistoryReport, ReplayView, TraceEvent } from '../../api.js';
import {
  buildHistory,
  checkExactlyOnce,
  checkLinearizability,
  describeOp,
  describeResult,
  exactlyOnceText,
  linearizabilityText,
} from '../history/index.js';
import { referenceNodeFor, replayClusterTrace, replayText } from '../replay/index.js';

export function historyReport(events: readonly TraceEvent[], model?: HistoryModel): HistoryReport {
  const meta = events[0]?.type === 'meta' ? events[0] : undefined;
  const history = buildHistory(events);
  const lin = checkLinearizability(history, { model: model ?? meta?.model });
  const once = lin.model === 'kv' ? checkExactlyOnce(history) : null;
  const operations: HistoryOpView[] = history.operations.map((o) => ({
    index: o.index,
    client: o.client,
    request: o.request,
    label: describeOp(o.op),
    status: o.status,
    outcome: o.status === 'ok' ? describeResult(o.op, o.result) : (o.reason ?? (o.status === 'info' ? 'no answer' : 'failed')),
    call: o.call,
    ret: Number.isFinite(o.ret) ? o.ret : null,
    ...(o.node !== undefined ? { node: o.node } : {}),
  }));
  const clients = meta?.clients ?? [...new Set(history.operations.map((o) => o.client))];
  const text = linearizabilityText(lin) + (once ? exactlyOnceText(once) : '');
  const report: HistoryReport = { model: lin.model, verdict: lin.verdict, summary: text.split('\n')[0], text, clients, operations };
  if (lin.verdict === 'illegal') {
    report.key = lin.key;
    report.linearization = lin.linearization.map((o) => o.index);
    report.stuck = lin.stuck.index;
    report.reason = lin.reason;
    if (lin.views) report.views = [lin.views.a.index, lin.views.b.index];
  }
  if (once) report.exactlyOnce = { ok: once.ok, messages: once.messages };
  return report;
}

export function replayView(events: readonly TraceEvent[]): ReplayView {
  const r = replayClusterTrace(events, { nodeClass: referenceNodeFor(events) });
  const view: ReplayView = { verdict: r.verdict, text: replayText(r).trim() };
  if (r.verdict === 'diverged') {
    view.seq = r.divergence.seq;
    view.node = r.divergence.node;
  }
  return view;
}
