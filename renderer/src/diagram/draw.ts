/**
 * Draws the visible window of a trace on a canvas: node lines, arrows for messages, and markers for
 * drops, crashes, restarts, decisions, partitions and client requests. Only what lies in the window
 * is touched (binary search on the axis), so the cost of a frame follows the screen, not the trace.
 * The text labels are not painted here: they are placed so that none overlaps another
 * (label-placement.ts) and returned, for the component to write over the canvas with a halo.
 */
import type { TraceEvent } from '../api/types.js';
import type { Arrow, TraceIndex } from './trace-index.js';
import { AXIS_H, GUTTER, arrowGeom, type Layout, visibleWindow, xOf } from './layout.js';
import type { Palette } from './palette.js';
import { decideLabel, messageLabel, opWords } from './labels.js';
import { laneOf } from './hit-test.js';
import { alongArrow, besideMarker, placeLabels, type LabelRequest, type PlacedLabel, type Spot } from './label-placement.js';

/** What a failing run marks on top of the diagram, by event index. */
export interface DiagramMarks {
  /** The events that break the rule (a decide, a send, an error), numbered as the list beside the diagram. */
  highlights: Map<number, number>;
  /** A search counterexample's steps: the step's first event → its number and node. */
  steps: Map<number, { n: number; node?: number }>;
}

export interface DrawState {
  /** Events at index >= limit have not happened yet (paused or scrubbed view). */
  limit: number;
  selectedArrow: Arrow | null;
  selectedEvent: number | null;
  /** Node ids to mark as leader / crashed right now. */
  leader: number | null;
  showPlayhead: boolean;
  marks?: DiagramMarks | null;
}

const scratch: Arrow[] = [];
/** True while drawing an overview frame (below one pixel per event): markers without text. */
let overview = false;
/** The labels this frame asks for, placed all together once everything else is drawn. */
let wanted: LabelRequest[] = [];
/** A label's height (its font's size and a little), for the current frame. */
let labelH = 16;

/** Which label wins a spot: the selected thing's, then faults, decisions, operations, messages. */
const PRIORITY = { selected: 100, fault: 50, decide: 40, op: 30, network: 20, message: 10 } as const;

/** The height of a label: the font's own line box when the canvas tells it, else 1.25 × its px size. */
function labelHeight(ctx: CanvasRenderingContext2D, font: string): number {
  const m = ctx.measureText('Hg');
  if (m.fontBoundingBoxAscent > 0) return Math.ceil(m.fontBoundingBoxAscent + m.fontBoundingBoxDescent) + 1;
  const px = Number(/(\d+(?:\.\d+)?)px/.exec(font)?.[1] ?? 13);
  return Math.round(px * 1.25);
}

/**
 * Draws one frame and returns its text labels, placed: inside the plot, no two overlapping, the
 * most important ones kept when there is no room for all.
 */
export function drawDiagram(ctx: CanvasRenderingContext2D, idx: TraceIndex, l: Layout, p: Palette, s: DrawState): PlacedLabel[] {
  const { width, height, mode } = l.vp;
  ctx.save();
  ctx.fillStyle = p.bg;
  ctx.fillRect(0, 0, width, height);
  ctx.font = p.font;
  ctx.textBaseline = 'middle';

  const [w0, w1] = visibleWindow(l);
  const [from, to] = idx.range(w0, w1, mode, s.limit);

  ctx.save();
  ctx.beginPath();
  ctx.rect(l.plotLeft, 0, l.plotRight - l.plotLeft, height);
  ctx.clip();

  drawPartitions(ctx, idx, l, p, s.limit, from, to);
  drawAxis(ctx, idx, l, p, from, to);
  drawNodeLines(ctx, idx, l, p, s.limit);

  const arrows = idx.arrowsIn(from, to, s.limit, scratch);
  // Labels only when there is room for them.
  const pxPerEvent = to - from > 1 ? (xOf(l, idx.pos(to - 1, mode)) - xOf(l, idx.pos(from, mode))) / (to - from) : 40;
  const detailed = pxPerEvent >= 9;
  overview = pxPerEvent < 1;
  wanted = [];
  labelH = labelHeight(ctx, p.font);
  // Labelling every arrow of a busy window makes a smear; then only the selected one is labelled.
  const labelAll = detailed && arrows.length <= 14;
  if (detailed) {
    for (const a of arrows) drawArrow(ctx, idx, l, p, a, s.limit, labelAll || a === s.selectedArrow, a === s.selectedArrow);
  } else {
    if (pxPerEvent < 1) drawOverview(ctx, idx, l, p, arrows);
    else drawArrowsBatched(ctx, idx, l, p, arrows, s.limit, pxPerEvent >= 3);
    if (s.selectedArrow) drawArrow(ctx, idx, l, p, s.selectedArrow, s.limit, true, true);
  }
  for (let i = from; i < to; i++) drawMarker(ctx, idx.events[i], xOf(l, idx.pos(i, mode)), l, p, detailed, i === s.selectedEvent);
  if (s.marks) drawMarks(ctx, idx, l, p, s.marks, arrows, from, to, s.limit);

  if (s.showPlayhead && s.limit > 0) {
    const x = xOf(l, idx.pos(s.limit - 1, mode)) + 4;
    ctx.strokeStyle = p.playhead;
    ctx.lineWidth = 2;
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.moveTo(x, AXIS_H);
    ctx.lineTo(x, height);
    ctx.stroke();
  }
  ctx.restore();

  drawGutter(ctx, l, p, idx, s);
  // Measured in the labels' own font (the gutter's bold one is reset), before the state is restored.
  ctx.font = p.font;
  const bounds = { left: l.plotLeft, right: l.plotRight, top: AXIS_H, bottom: height };
  const placed = placeLabels(wanted, bounds, labelH, (t) => ctx.measureText(t).width);
  wanted = [];
  ctx.restore();
  return placed;
}

function drawAxis(ctx: CanvasRenderingContext2D, idx: TraceIndex, l: Layout, p: Palette, from: number, to: number): void {
  const { mode, scale } = l.vp;
  ctx.fillStyle = p.muted;
  ctx.strokeStyle = p.grid;
  ctx.lineWidth = 1;
  ctx.textAlign = 'center';
  // A tick every ~100px, rounded to 1/2/5 × 10^k axis units.
  const raw = 100 / scale;
  if (mode === 'order') {
    drawSeqAxis(ctx, idx, l, from, to, raw);
    return;
  }
  const step = niceStep(raw);
  const [w0, w1] = visibleWindow(l);
  for (let v = Math.ceil(w0 / step) * step; v <= w1; v += step) {
    const x = xOf(l, v);
    ctx.beginPath();
    ctx.moveTo(x, AXIS_H - 4);
    ctx.lineTo(x, l.vp.height);
    ctx.stroke();
    ctx.fillText(`${v} ms`, x, AXIS_H / 2);
  }
}

const niceStep = (raw: number) => {
  const mag = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)));
  return [1, 2, 5, 10].map((m) => m * mag).find((v) => v >= raw) ?? 10 * mag;
};

/**
 * In event order the axis counts events by their trace number (`#seq`), the number the inspector
 * and the graders' messages use, even when filtered-out events leave gaps: a tick every ~100 px at
 * a round seq, placed on the first shown event at or after it.
 */
function drawSeqAxis(ctx: CanvasRenderingContext2D, idx: TraceIndex, l: Layout, from: number, to: number, rawIndexStep: number): void {
  if (to <= from) return;
  const first = idx.events[from].seq;
  const last = idx.events[to - 1].seq;
  const perIndex = to - 1 > from ? (last - first) / (to - 1 - from) : 1;
  const step = Math.max(1, Math.round(niceStep(Math.max(1, rawIndexStep * perIndex))));
  let lastX = -Infinity;
  for (let v = Math.ceil(first / step) * step; v <= last; v += step) {
    const i = idx.indexOfSeq(v);
    if (i >= to) continue;
    const x = xOf(l, i);
    // Hidden events leave gaps in the seqs: ticks that would crowd each other are left out.
    if (x - lastX < 60) continue;
    lastX = x;
    ctx.beginPath();
    ctx.moveTo(x, AXIS_H - 4);
    ctx.lineTo(x, l.vp.height);
    ctx.stroke();
    ctx.fillText(`#${idx.events[i].seq}`, x, AXIS_H / 2);
  }
}

/**
 * The failing run's marks, drawn over everything at any zoom: the events that break the rule get a
 * ring (their arrows, for sends, drawn thick) and their label; a counterexample's steps get numbers.
 */
function drawMarks(
  ctx: CanvasRenderingContext2D,
  idx: TraceIndex,
  l: Layout,
  p: Palette,
  marks: DiagramMarks,
  arrows: Arrow[],
  from: number,
  to: number,
  limit: number,
): void {
  const mode = l.vp.mode;
  for (const a of arrows) {
    if (!marks.highlights.has(a.sendIdx)) continue;
    const g = arrowGeom(l, idx, a, limit);
    ctx.strokeStyle = p.highlight;
    ctx.fillStyle = p.highlight;
    ctx.lineWidth = 4;
    ctx.setLineDash(g.end === 'flight' ? [7, 5] : []);
    ctx.beginPath();
    ctx.moveTo(g.x1, g.y1);
    ctx.lineTo(g.x2, g.y2);
    ctx.stroke();
    ctx.setLineDash([]);
    if (g.end === 'deliver' && a.from !== a.to) arrowHead(ctx, g.x1, g.y1, g.x2, g.y2, 11);
  }
  for (let i = from; i < to; i++) {
    const mark = marks.highlights.get(i);
    const step = marks.steps.get(i);
    if (mark === undefined && step === undefined) continue;
    const e = idx.events[i];
    const x = xOf(l, idx.pos(i, mode));
    const node = step?.node ?? ('node' in e && e.node !== undefined ? e.node : e.type === 'send' ? e.from : undefined);
    const y = node !== undefined ? l.rowY.get(node) : undefined;
    if (mark !== undefined) {
      // A ring, and the mark's number in a red tag at its left (the list names it).
      const cy = y ?? AXIS_H + 24;
      ctx.strokeStyle = p.highlight;
      ctx.lineWidth = 3;
      ctx.beginPath();
      ctx.arc(x, cy, 15, 0, Math.PI * 2);
      ctx.stroke();
      badge(ctx, x - 34, cy, `⚠${mark}`, p.highlight, p.stepFg, p.font);
    }
    if (step !== undefined && y !== undefined) badge(ctx, x, y - 22, String(step.n), p.step, p.stepFg, p.font);
  }
}

/** A small filled tag with bold text centred at (x, y). */
function badge(ctx: CanvasRenderingContext2D, x: number, y: number, text: string, bg: string, fg: string, font: string): void {
  ctx.font = `bold ${font}`;
  const w = Math.max(20, ctx.measureText(text).width + 8);
  ctx.fillStyle = bg;
  ctx.beginPath();
  ctx.roundRect(x - w / 2, y - 10, w, 20, 10);
  ctx.fill();
  ctx.fillStyle = fg;
  ctx.textAlign = 'center';
  ctx.fillText(text, x, y + 1);
  ctx.font = font;
}

function drawPartitions(
  ctx: CanvasRenderingContext2D,
  idx: TraceIndex,
  l: Layout,
  p: Palette,
  limit: number,
  from: number,
  to: number,
): void {
  const mode = l.vp.mode;
  for (const part of idx.partitions) {
    if (part.startIdx >= limit || part.startIdx >= to || Math.min(part.endIdx, limit) < from) continue;
    const x1 = xOf(l, idx.pos(part.startIdx, mode));
    const endIdx = Math.min(part.endIdx, limit - 1);
    const x2 = Number.isFinite(part.endIdx) && part.endIdx < limit ? xOf(l, idx.pos(endIdx, mode)) : l.plotRight + 20;
    ctx.fillStyle = p.partition;
    ctx.fillRect(x1, AXIS_H, x2 - x1, l.vp.height - AXIS_H);
    ctx.fillStyle = p.drop;
    ctx.textAlign = 'left';
    ctx.fillText(`partition ${part.groups.map((g) => `{${g.join(',')}}`).join(' | ')}`, Math.max(x1, l.plotLeft) + 4, AXIS_H + 10);
  }
}

function drawNodeLines(ctx: CanvasRenderingContext2D, idx: TraceIndex, l: Layout, p: Palette, limit: number): void {
  const mode = l.vp.mode;
  ctx.lineWidth = 2;
  for (const n of l.nodes) {
    const y = l.rowY.get(n)!;
    // A client's lane is thinner and dotted: it is not a server.
    const client = typeof n === 'string';
    ctx.lineWidth = client ? 1 : 2;
    ctx.strokeStyle = client ? p.client : p.nodeLine;
    ctx.setLineDash(client ? [2, 4] : []);
    ctx.beginPath();
    ctx.moveTo(l.plotLeft, y);
    ctx.lineTo(l.plotRight, y);
    ctx.stroke();
  }
  // Down intervals: the node's line turns grey and dashed while it is crashed.
  ctx.lineWidth = 4;
  for (const d of idx.down) {
    if (d.startIdx >= limit) continue;
    const y = l.rowY.get(d.node);
    if (y === undefined) continue;
    const x1 = xOf(l, idx.pos(d.startIdx, mode));
    const x2 = Number.isFinite(d.endIdx) && d.endIdx < limit ? xOf(l, idx.pos(d.endIdx, mode)) : l.plotRight + 20;
    if (x2 < l.plotLeft || x1 > l.plotRight) continue;
    ctx.strokeStyle = p.bg;
    ctx.beginPath();
    ctx.moveTo(x1, y);
    ctx.lineTo(x2, y);
    ctx.stroke();
    ctx.strokeStyle = p.down;
    ctx.setLineDash([4, 6]);
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x1, y);
    ctx.lineTo(x2, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.lineWidth = 4;
  }
}

function drawArrow(
  ctx: CanvasRenderingContext2D,
  idx: TraceIndex,
  l: Layout,
  p: Palette,
  a: Arrow,
  limit: number,
  detailed: boolean,
  selected: boolean,
): void {
  const g = arrowGeom(l, idx, a, limit);
  const color = selected ? p.select : (p.kinds[a.kind] ?? p.other);
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = selected ? 3.5 : 1.6;
  ctx.setLineDash(g.end === 'flight' ? [5, 4] : a.copy > 0 ? [2, 3] : []);
  ctx.beginPath();
  if (a.from === a.to) {
    // A message to oneself never crosses the network: a small loop above the node's line.
    const mid = (g.x1 + g.x2) / 2;
    ctx.moveTo(g.x1, g.y1);
    ctx.quadraticCurveTo(mid, g.y1 - 18, g.x2, g.y1);
  } else {
    ctx.moveTo(g.x1, g.y1);
    ctx.lineTo(g.x2, g.y2);
  }
  ctx.stroke();
  ctx.setLineDash([]);
  if (g.end === 'deliver' && a.from !== a.to) arrowHead(ctx, g.x1, g.y1, g.x2, g.y2, selected ? 10 : 8);
  if (g.end === 'drop') cross(ctx, g.x2, g.y2, 6, p.drop, 2.5);
  if (detailed && a.from !== a.to && Math.hypot(g.x2 - g.x1, g.y2 - g.y1) > 70) {
    const ev = idx.events[a.sendIdx];
    const text = ev.type === 'send' ? messageLabel(ev.msg) : a.kind;
    const width = ctx.measureText(text).width;
    wanted.push({ text, width, priority: selected ? PRIORITY.selected : PRIORITY.message, spots: alongArrow(g, width, labelH, { left: l.plotLeft, right: l.plotRight }), color, role: 'message' });
  }
}

/**
 * Zoomed out, thousands of arrows share a few pixels: one path per colour and line style (a single
 * stroke each) and arrows that land on the same pixels drawn once keep a frame cheap to rasterize.
 */
function drawArrowsBatched(
  ctx: CanvasRenderingContext2D,
  idx: TraceIndex,
  l: Layout,
  p: Palette,
  arrows: Arrow[],
  limit: number,
  heads: boolean,
): void {
  const lines = new Map<string, Path2D>();
  const fills = new Map<string, Path2D>();
  const crosses = new Path2D();
  const seen = new Set<number>();
  for (const a of arrows) {
    const g = arrowGeom(l, idx, a, limit);
    const key = ((Math.round(g.x1) * 8191 + Math.round(g.x2)) * 8 + laneNo(a.from)) * 8 + laneNo(a.to);
    if (seen.has(key)) continue;
    seen.add(key);
    const color = p.kinds[a.kind] ?? p.other;
    const style = g.end === 'flight' ? 'flight' : a.copy > 0 ? 'copy' : 'solid';
    const lk = `${color}|${style}`;
    let path = lines.get(lk);
    if (!path) lines.set(lk, (path = new Path2D()));
    path.moveTo(g.x1, g.y1);
    if (a.from === a.to) path.quadraticCurveTo((g.x1 + g.x2) / 2, g.y1 - 18, g.x2, g.y1);
    else path.lineTo(g.x2, g.y2);
    if (g.end === 'drop') {
      crosses.moveTo(g.x2 - 5, g.y2 - 5);
      crosses.lineTo(g.x2 + 5, g.y2 + 5);
      crosses.moveTo(g.x2 + 5, g.y2 - 5);
      crosses.lineTo(g.x2 - 5, g.y2 + 5);
    } else if (heads && g.end === 'deliver' && a.from !== a.to) {
      let f = fills.get(color);
      if (!f) fills.set(color, (f = new Path2D()));
      const ang = Math.atan2(g.y2 - g.y1, g.x2 - g.x1);
      f.moveTo(g.x2, g.y2);
      f.lineTo(g.x2 - 7 * Math.cos(ang - 0.4), g.y2 - 7 * Math.sin(ang - 0.4));
      f.lineTo(g.x2 - 7 * Math.cos(ang + 0.4), g.y2 - 7 * Math.sin(ang + 0.4));
      f.closePath();
    }
  }
  ctx.lineWidth = 1.4;
  for (const [lk, path] of lines) {
    const [color, style] = lk.split('|');
    ctx.strokeStyle = color;
    ctx.setLineDash(style === 'flight' ? [5, 4] : style === 'copy' ? [2, 3] : []);
    ctx.stroke(path);
  }
  ctx.setLineDash([]);
  for (const [color, f] of fills) {
    ctx.fillStyle = color;
    ctx.fill(f);
  }
  ctx.strokeStyle = p.drop;
  ctx.lineWidth = 2;
  ctx.stroke(crosses);
}

/**
 * Below one pixel per event no single arrow can be seen, and rasterizing thousands of crossing
 * lines would cost far more than a frame: draw each node's traffic as ticks on its line instead
 * (one per pixel column, node and message kind), and say how to get the arrows back.
 */
function drawOverview(ctx: CanvasRenderingContext2D, idx: TraceIndex, l: Layout, p: Palette, arrows: Arrow[]): void {
  const ticks = new Map<string, Path2D>();
  const seen = new Set<number>();
  const kindNo = new Map<string, number>();
  for (const a of arrows) {
    const x = Math.round(xOf(l, idx.pos(a.sendIdx, l.vp.mode)));
    const y = l.rowY.get(a.from);
    if (y === undefined) continue;
    const color = p.kinds[a.kind] ?? p.other;
    let k = kindNo.get(a.kind);
    if (k === undefined) kindNo.set(a.kind, (k = kindNo.size));
    const key = (x * 16 + laneNo(a.from)) * 64 + (k % 64);
    if (seen.has(key)) continue;
    seen.add(key);
    let path = ticks.get(color);
    if (!path) ticks.set(color, (path = new Path2D()));
    path.rect(x, y - 9, 1, 18);
  }
  for (const [color, path] of ticks) {
    ctx.fillStyle = color;
    ctx.fill(path);
  }
  ctx.fillStyle = p.muted;
  ctx.textAlign = 'right';
  ctx.fillText('Overview: zoom in (+ or Ctrl+wheel) to see each message', l.plotRight - 6, l.vp.height - 8);
}

function arrowHead(ctx: CanvasRenderingContext2D, x1: number, y1: number, x2: number, y2: number, size: number): void {
  const ang = Math.atan2(y2 - y1, x2 - x1);
  ctx.beginPath();
  ctx.moveTo(x2, y2);
  ctx.lineTo(x2 - size * Math.cos(ang - 0.4), y2 - size * Math.sin(ang - 0.4));
  ctx.lineTo(x2 - size * Math.cos(ang + 0.4), y2 - size * Math.sin(ang + 0.4));
  ctx.closePath();
  ctx.fill();
}

function cross(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, color: string, w: number): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = w;
  ctx.setLineDash([]);
  ctx.beginPath();
  ctx.moveTo(x - r, y - r);
  ctx.lineTo(x + r, y + r);
  ctx.moveTo(x + r, y - r);
  ctx.lineTo(x - r, y + r);
  ctx.stroke();
}

function drawMarker(
  ctx: CanvasRenderingContext2D,
  e: TraceEvent,
  x: number,
  l: Layout,
  p: Palette,
  detailed: boolean,
  selected: boolean,
): void {
  const lane = laneOf(e);
  const y = lane !== undefined ? l.rowY.get(lane) : undefined;
  ctx.setLineDash([]);
  switch (e.type) {
    case 'invoke':
      if (y !== undefined) {
        ctx.fillStyle = p.client;
        ctx.fillRect(x - 2, y - 8, 4, 16);
        besideLane(ctx, l, opWords(e.op), x, lane!, 'above', p.client, selected ? PRIORITY.selected : PRIORITY.op);
      }
      break;
    case 'ok':
    case 'fail':
    case 'info':
      if (y !== undefined) {
        const c = e.type === 'ok' ? p.restart : e.type === 'fail' ? p.drop : p.muted;
        ctx.fillStyle = c;
        ctx.fillRect(x - 2, y - 8, 4, 16);
        if (detailed) besideLane(ctx, l, e.type === 'ok' ? `ok ${shortJson(e.result)}` : e.type, x, lane!, 'below', c, selected ? PRIORITY.selected : PRIORITY.op);
      }
      break;
    case 'crash':
      if (y !== undefined) {
        cross(ctx, x, y, 9, p.crash, 4);
        besideLane(ctx, l, 'crash', x, lane!, 'below', p.crash, PRIORITY.fault);
      }
      break;
    case 'restart':
      if (y !== undefined) {
        ctx.fillStyle = p.restart;
        ctx.beginPath();
        ctx.arc(x, y, 7, 0, Math.PI * 2);
        ctx.fill();
        besideLane(ctx, l, 'restart', x, lane!, 'below', p.restart, PRIORITY.fault);
      }
      break;
    case 'decide':
      if (y !== undefined) {
        star(ctx, x, y, selected ? 12 : 10, p.decide);
        // Decisions close together: those with no room left are counted as "+N" (the star and the
        // inspector tell them), unless one is selected.
        besideLane(ctx, l, decideLabel(e), x, e.node, 'above', p.decide, selected ? PRIORITY.selected : PRIORITY.decide, 'decide');
      }
      break;
    case 'client-request':
      if (y !== undefined) {
        diamond(ctx, x, y, 7, p.client);
        besideLane(ctx, l, `request ${JSON.stringify(e.value)}`, x, lane!, 'below', p.client, selected ? PRIORITY.selected : PRIORITY.op);
      }
      break;
    case 'client-reply':
      if (y !== undefined && detailed) diamond(ctx, x, y, 5, p.client);
      break;
    case 'timer':
      if (y !== undefined && detailed) {
        ctx.strokeStyle = p.muted;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.arc(x, y, 4, 0, Math.PI * 2);
        ctx.stroke();
      }
      break;
    case 'error':
      if (lane !== undefined && y !== undefined) besideLane(ctx, l, '⚠ error', x, lane, 'above', p.crash, PRIORITY.fault);
      else at(ctx, l, '⚠ error', x, AXIS_H + 24, p.crash, PRIORITY.fault);
      break;
    case 'heal':
      vline(ctx, x, l, p.restart);
      at(ctx, l, 'heal', x, AXIS_H + 10, p.restart, PRIORITY.network);
      break;
    case 'link': {
      const ya = l.rowY.get(e.a);
      const yb = l.rowY.get(e.b);
      if (ya === undefined || yb === undefined) break;
      ctx.strokeStyle = e.up ? p.restart : p.drop;
      ctx.lineWidth = 2;
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(x, ya);
      ctx.lineTo(x, yb);
      ctx.stroke();
      ctx.setLineDash([]);
      at(ctx, l, e.up ? `link ${e.a}–${e.b} restored` : `✂ link ${e.a}–${e.b}`, x, (ya + yb) / 2, e.up ? p.restart : p.drop, PRIORITY.network);
      break;
    }
    case 'net':
      at(ctx, l, `net loss ${e.network.loss} dup ${e.network.dup}`, x, l.vp.height - labelH / 2, p.muted, PRIORITY.network);
      break;
    default:
      break;
  }
  if (selected && y !== undefined) {
    ctx.strokeStyle = p.select;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(x, y, 14, 0, Math.PI * 2);
    ctx.stroke();
  }
}

/** A number per lane, for the de-duplication keys: node ids, then clients from 100 on. */
function laneNo(p: number | string): number {
  return typeof p === 'number' ? p : 100 + Number(p.slice(1));
}

function shortJson(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 24 ? s.slice(0, 23) + '…' : s;
}

function vline(ctx: CanvasRenderingContext2D, x: number, l: Layout, color: string): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.setLineDash([6, 4]);
  ctx.beginPath();
  ctx.moveTo(x, AXIS_H);
  ctx.lineTo(x, l.vp.height);
  ctx.stroke();
  ctx.setLineDash([]);
}

/**
 * Asks for a label beside the marker at x on a lane: in the band above the lane's line (or below it,
 * `prefer`), else on the other side, else to the left or a little further right.
 */
function besideLane(
  ctx: CanvasRenderingContext2D,
  l: Layout,
  text: string,
  x: number,
  lane: number | string,
  prefer: 'above' | 'below',
  color: string,
  priority: number,
  role: 'decide' | 'event' = 'event',
): void {
  // A marker just outside the plot (drawn under the gutter, or past the right edge) gets no label:
  // moved into the plot, it would seem to belong to something else.
  if (overview || x < l.plotLeft || x > l.plotRight) return;
  const y = l.rowY.get(lane);
  if (y === undefined) return;
  const k = l.nodes.indexOf(lane);
  const prev = k > 0 ? l.rowY.get(l.nodes[k - 1])! : AXIS_H;
  const next = k >= 0 && k < l.nodes.length - 1 ? l.rowY.get(l.nodes[k + 1])! : l.vp.height;
  const width = ctx.measureText(text).width;
  const above = y - prev;
  const below = next - y;
  let spots = besideMarker(x, y, width, labelH, above, below);
  // The spots alternate above, below: swap each pair to try below first.
  if (prefer === 'below') spots = spots.map((_, i) => spots[i ^ 1]);
  wanted.push({ text, width, priority, spots, color, role, lane, anchor: { x, y, above, below } });
}

/** Asks for a label starting just right of x, at height y (or just left of x when that has no room). */
function at(ctx: CanvasRenderingContext2D, l: Layout, text: string, x: number, y: number, color: string, priority: number): void {
  if (overview || x < l.plotLeft || x > l.plotRight) return;
  const width = ctx.measureText(text).width;
  const spots: Spot[] = [{ cx: x + 8 + width / 2, cy: y }, { cx: x - 8 - width / 2, cy: y }];
  wanted.push({ text, width, priority, spots, color, role: 'event' });
}

function star(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, color: string): void {
  ctx.fillStyle = color;
  ctx.beginPath();
  for (let k = 0; k < 10; k++) {
    const rad = k % 2 === 0 ? r : r * 0.45;
    const ang = -Math.PI / 2 + (k * Math.PI) / 5;
    ctx.lineTo(x + rad * Math.cos(ang), y + rad * Math.sin(ang));
  }
  ctx.closePath();
  ctx.fill();
}

function diamond(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, color: string): void {
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.moveTo(x, y - r);
  ctx.lineTo(x + r, y);
  ctx.lineTo(x, y + r);
  ctx.lineTo(x - r, y);
  ctx.closePath();
  ctx.fill();
}

function drawGutter(ctx: CanvasRenderingContext2D, l: Layout, p: Palette, idx: TraceIndex, s: DrawState): void {
  ctx.fillStyle = p.bg;
  ctx.fillRect(0, 0, GUTTER, l.vp.height);
  ctx.textAlign = 'left';
  for (const n of l.nodes) {
    const y = l.rowY.get(n)!;
    const down = idx.down.some((d) => d.node === n && d.startIdx < s.limit && !(d.endIdx < s.limit));
    ctx.fillStyle = typeof n === 'string' ? p.client : down ? p.down : p.fg;
    ctx.font = `bold ${p.font}`;
    ctx.fillText(typeof n === 'string' ? n : `S${n}`, 8, y);
    ctx.font = p.font;
    if (s.leader === n) {
      ctx.fillStyle = p.decide;
      ctx.fillText('♛', 34, y);
    }
  }
}
