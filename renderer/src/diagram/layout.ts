/**
 * Where things go on the diagram's canvas: time runs left to right, one horizontal line per node
 * (as in the lecture's figures). Pure geometry, shared by drawing and hit testing.
 */
import type { Arrow, AxisMode, TraceIndex } from './trace-index.js';

export const GUTTER = 56;
export const AXIS_H = 26;
/** Where the first lane sits: below the axis, with a label's height of room above it. */
const TOP = AXIS_H + 22;
/** Room under the last lane for the labels written below it (a client's "ok …"). */
const PAD_BOTTOM = 24;
/**
 * The least distance between two node lanes (and from the last node to the first client): a
 * decision's label fits in the band between two lines without touching either. Client lanes carry
 * only their operations' short labels and may sit closer.
 */
export const MIN_NODE_GAP = 30;
export const MIN_CLIENT_GAP = 22;
/** Beyond this many clients their lanes share the room of this many (a run may have 20): the plot stays on screen. */
const ROOMY_CLIENTS = 6;

export interface Viewport {
  /** Axis position at the left edge of the plot area. */
  x0: number;
  /** Pixels per axis unit (per event in 'order' mode, per millisecond in 'time' mode). */
  scale: number;
  mode: AxisMode;
  /** CSS pixels. */
  width: number;
  height: number;
}

export interface Layout {
  vp: Viewport;
  /** The lanes top to bottom: node ids, then client ids. */
  nodes: Array<number | string>;
  rowY: Map<number | string, number>;
  plotLeft: number;
  plotRight: number;
}

/** The least gap above each lane after the first (client lanes may be closer to each other). */
function minGaps(lanes: Array<number | string>): number[] {
  const clientGaps = lanes.filter((n) => typeof n === 'string').length - 1;
  const clientGap = clientGaps > ROOMY_CLIENTS - 1 ? (MIN_CLIENT_GAP * (ROOMY_CLIENTS - 1)) / clientGaps : MIN_CLIENT_GAP;
  return lanes.slice(1).map((n, k) => (typeof n === 'string' && typeof lanes[k] === 'string' ? clientGap : MIN_NODE_GAP));
}

/** The height at which every lane gets its least gap: below it the lanes would have to squeeze. */
export function minPlotHeight(lanes: Array<number | string>): number {
  return Math.ceil(TOP + minGaps(lanes).reduce((a, b) => a + b, 0) + PAD_BOTTOM);
}

/** Lanes spread over the height, each gap in proportion to its least size (squeezed only below minPlotHeight). */
export function makeLayout(vp: Viewport, nodes: Array<number | string>): Layout {
  const rowY = new Map<number | string, number>();
  const usable = Math.max(10, vp.height - TOP - PAD_BOTTOM);
  const gaps = minGaps(nodes);
  const total = gaps.reduce((a, b) => a + b, 0);
  if (nodes.length === 1) rowY.set(nodes[0], TOP + usable / 2);
  let y = TOP;
  nodes.forEach((n, k) => {
    if (k > 0) y += (gaps[k - 1] * usable) / total;
    if (nodes.length > 1) rowY.set(n, y);
  });
  return { vp, nodes, rowY, plotLeft: GUTTER, plotRight: vp.width - 8 };
}

/** Screen x of an axis position. */
export function xOf(l: Layout, axisPos: number): number {
  return l.plotLeft + (axisPos - l.vp.x0) * l.vp.scale;
}

/** Axis position under screen x. */
export function posAt(l: Layout, x: number): number {
  return l.vp.x0 + (x - l.plotLeft) / l.vp.scale;
}

/** The visible axis window. */
export function visibleWindow(l: Layout): [number, number] {
  return [posAt(l, l.plotLeft - 20), posAt(l, l.plotRight + 20)];
}

export interface ArrowGeom {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** How the arrow ends: delivered (arrowhead), dropped (✗) or still in flight at the playhead. */
  end: 'deliver' | 'drop' | 'flight';
}

/** The segment of one arrow, with events past `limit` (paused/scrubbed) not yet happened. */
export function arrowGeom(l: Layout, idx: TraceIndex, a: Arrow, limit: number): ArrowGeom {
  const mode = l.vp.mode;
  const x1 = xOf(l, idx.pos(a.sendIdx, mode));
  const y1 = l.rowY.get(a.from) ?? 0;
  const yTo = l.rowY.get(a.to) ?? 0;
  if (a.endIdx < 0 || a.endIdx >= limit) {
    // In flight: head towards the addressee, drawn up to the playhead.
    const xEnd = xOf(l, idx.pos(Math.max(a.sendIdx, limit - 1), mode)) + 12;
    return { x1, y1, x2: Math.max(xEnd, x1 + 12), y2: y1 + (yTo - y1) * 0.5, end: 'flight' };
  }
  let x2 = xOf(l, idx.pos(a.endIdx, mode));
  // Events at the same instant would make vertical arrows; give them a minimal slant.
  if (x2 - x1 < 6) x2 = x1 + 6;
  if (a.dropped) return { x1, y1, x2, y2: y1 + (yTo - y1) * 0.6, end: 'drop' };
  return { x1, y1, x2, y2: yTo, end: 'deliver' };
}

/** Distance from point (px, py) to the segment (x1,y1)-(x2,y2). */
export function distToSegment(px: number, py: number, g: ArrowGeom): number {
  const dx = g.x2 - g.x1;
  const dy = g.y2 - g.y1;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - g.x1) * dx + (py - g.y1) * dy) / len2));
  const cx = g.x1 + t * dx;
  const cy = g.y1 + t * dy;
  return Math.hypot(px - cx, py - cy);
}
