/** What is under the pointer on the diagram: an arrow (message), a marker (event) or a node label. */
import type { TraceEvent } from '../api/types.js';
import type { Arrow, TraceIndex } from './trace-index.js';
import { GUTTER, arrowGeom, distToSegment, type Layout, visibleWindow, xOf } from './layout.js';

export type Hit = { kind: 'arrow'; arrow: Arrow } | { kind: 'event'; index: number } | { kind: 'node'; node: number } | null;

const MARKER_TYPES = new Set(['crash', 'restart', 'decide', 'client-request', 'client-reply', 'error', 'timer', 'invoke', 'ok', 'fail', 'info']);

/** The lane an event is drawn on: its node, or its client for history events. */
export function laneOf(e: TraceEvent): number | string | undefined {
  if ('client' in e && typeof e.client === 'string') return e.client;
  return 'node' in e ? e.node : undefined;
}

export function hitTest(idx: TraceIndex, l: Layout, limit: number, x: number, y: number): Hit {
  if (x < GUTTER) {
    let best: { node: number; d: number } | null = null;
    for (const n of l.nodes) {
      if (typeof n !== 'number') continue;
      const d = Math.abs((l.rowY.get(n) ?? 0) - y);
      if (d < 20 && (!best || d < best.d)) best = { node: n, d };
    }
    return best ? { kind: 'node', node: best.node } : null;
  }
  const [w0, w1] = visibleWindow(l);
  const [from, to] = idx.range(w0, w1, l.vp.mode, limit);
  // Markers first: they are small targets drawn on top of the lines.
  let bestEvent: { index: number; d: number } | null = null;
  for (let i = from; i < to; i++) {
    const e = idx.events[i];
    const lane = laneOf(e);
    if (!MARKER_TYPES.has(e.type) || lane === undefined) continue;
    const ey = l.rowY.get(lane);
    if (ey === undefined) continue;
    const d = Math.hypot(xOf(l, idx.pos(i, l.vp.mode)) - x, ey - y);
    if (d < 11 && (!bestEvent || d < bestEvent.d)) bestEvent = { index: i, d };
  }
  if (bestEvent) return { kind: 'event', index: bestEvent.index };
  let bestArrow: { arrow: Arrow; d: number } | null = null;
  for (const a of idx.arrowsIn(from, to, limit, [])) {
    const d = distToSegment(x, y, arrowGeom(l, idx, a, limit));
    if (d < 7 && (!bestArrow || d < bestArrow.d)) bestArrow = { arrow: a, d };
  }
  return bestArrow ? { kind: 'arrow', arrow: bestArrow.arrow } : null;
}
