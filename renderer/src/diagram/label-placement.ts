/**
 * Where the diagram's text labels go. A busy cluster decides slots on every node line at almost the
 * same moment, and labels drawn at one fixed spot overprint each other and the lines around them:
 * here every label gets the first of its candidate spots (above, below, left, shifted right …) that
 * stays inside the plot and overlaps no label placed before it, most important labels first. A label
 * with no room is left out; left-out decisions on one lane are summed up as a small "+N" instead.
 * Pure geometry (no canvas), so drawing, the DOM overlay and the tests agree on it.
 */

/** A label's box: centred on (cx, cy), `w` × `h`, turned by `angle` radians (messages run along their arrow). */
export interface LabelBox {
  cx: number;
  cy: number;
  w: number;
  h: number;
  angle: number;
}

export interface Spot {
  cx: number;
  cy: number;
  angle?: number;
}

export interface LabelRequest {
  text: string;
  /** The text's measured width in CSS pixels. */
  width: number;
  /** Higher goes first; among equals, the order of the requests (left to right) decides. */
  priority: number;
  /** Where the label may go, best first. */
  spots: Spot[];
  color: string;
  /** 'decide' labels left out are counted into a "+N" on their lane. */
  role: 'decide' | 'event' | 'message' | 'more';
  lane?: number | string;
  /** The point the label belongs to (a decision's star): where a "+N" for it goes. */
  anchor?: { x: number; y: number; above: number; below: number };
}

export interface PlacedLabel extends LabelBox {
  text: string;
  color: string;
  role: LabelRequest['role'];
}

export interface Bounds {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Space kept between two labels (more side by side: two labels in a row must not read as one). */
const MARGIN = 1;
const GAP_X = 8;
/** A "+N" summarises the left-out decisions of one lane that lie within this many pixels of each other. */
const MORE_RUN = 120;

/** The four corners of a box. */
function corners(b: LabelBox): Array<[number, number]> {
  const c = Math.cos(b.angle);
  const s = Math.sin(b.angle);
  const hw = b.w / 2;
  const hh = b.h / 2;
  return [[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]].map(([x, y]) => [b.cx + x * c - y * s, b.cy + x * s + y * c]);
}

/** Whether two (possibly turned) boxes overlap, by the separating axis test, with `pad` px to spare. */
export function boxesOverlap(a: LabelBox, b: LabelBox, pad = MARGIN): boolean {
  // Far apart: no need for the exact test.
  const ra = (a.w + a.h) / 2 + pad;
  const rb = (b.w + b.h) / 2;
  if (Math.abs(a.cx - b.cx) > ra + rb || Math.abs(a.cy - b.cy) > ra + rb) return false;
  if (a.angle === 0 && b.angle === 0) {
    return Math.abs(a.cx - b.cx) < (a.w + b.w) / 2 + pad && Math.abs(a.cy - b.cy) < (a.h + b.h) / 2 + pad;
  }
  const ca = corners(a);
  const cb = corners(b);
  for (const box of [a, b]) {
    for (const ang of [box.angle, box.angle + Math.PI / 2]) {
      const ax = Math.cos(ang);
      const ay = Math.sin(ang);
      const pa = ca.map(([x, y]) => x * ax + y * ay);
      const pb = cb.map(([x, y]) => x * ax + y * ay);
      if (Math.max(...pa) + pad <= Math.min(...pb) || Math.max(...pb) + pad <= Math.min(...pa)) return false;
    }
  }
  return true;
}

/** The axis-aligned rectangle around a box. */
export function outline(b: LabelBox): Bounds {
  const cs = corners(b);
  const xs = cs.map((c) => c[0]);
  const ys = cs.map((c) => c[1]);
  return { left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) };
}

export function inside(b: LabelBox, bounds: Bounds): boolean {
  const o = outline(b);
  return o.left >= bounds.left && o.right <= bounds.right && o.top >= bounds.top && o.bottom <= bounds.bottom;
}

/**
 * The spots beside a marker at (x, y): in the band above its line, in the band below, then the same
 * to its left, then a little further right. `above`/`below` are the free heights to the next lanes.
 */
export function besideMarker(x: number, y: number, width: number, h: number, above: number, below: number, gapX = 9): Spot[] {
  const up = y - Math.max(h / 2 + 4, Math.min(above / 2, h / 2 + 7));
  const down = y + Math.max(h / 2 + 4, Math.min(below / 2, h / 2 + 7));
  const right = x + gapX + width / 2;
  const left = x - gapX - width / 2;
  return [
    { cx: right, cy: up },
    { cx: right, cy: down },
    { cx: left, cy: up },
    { cx: left, cy: down },
    { cx: right + 24, cy: up },
    { cx: right + 24, cy: down },
    { cx: right + 48, cy: up },
    { cx: right + 48, cy: down },
  ];
}

/**
 * Spots along an arrow from (x1, y1) to (x2, y2): a third of the way first (kept inside the plot, see
 * labelSpot), then further along; the text runs along the arrow, just above it, or just below.
 */
export function alongArrow(g: { x1: number; y1: number; x2: number; y2: number }, width: number, h: number, plot: Pick<Bounds, 'left' | 'right'>): Spot[] {
  let angle = Math.atan2(g.y2 - g.y1, g.x2 - g.x1);
  if (angle > Math.PI / 2) angle -= Math.PI;
  if (angle < -Math.PI / 2) angle += Math.PI;
  // The normal pointing up the screen (the side the text's top faces).
  const nx = Math.sin(angle);
  const ny = -Math.cos(angle);
  const off = h / 2 + 2;
  const first = labelSpot(width, g, { plotLeft: plot.left, plotRight: plot.right });
  const ts = [first, ...[0.5, 0.7, 0.15].filter((t) => Math.abs(t - first) > 0.08)];
  const spots: Spot[] = [];
  for (const side of [1, -1]) {
    for (const t of ts) {
      const x = g.x1 + (g.x2 - g.x1) * t;
      const y = g.y1 + (g.y2 - g.y1) * t;
      spots.push({ cx: x + nx * off * side, cy: y + ny * off * side, angle });
    }
  }
  return spots;
}

/**
 * Where along its arrow (0 = send, 1 = delivery) a message's label goes: a third of the way, or as
 * near to it as keeps the whole label inside the plot when the arrow runs off its left or right edge.
 */
export function labelSpot(width: number, g: { x1: number; y1: number; x2: number; y2: number }, l: { plotLeft: number; plotRight: number }): number {
  const dx = g.x2 - g.x1;
  const len = Math.hypot(dx, g.y2 - g.y1);
  if (dx === 0 || len === 0) return 0.3;
  // The label is drawn along the arrow: its half-width spans this much of the x axis.
  const reach = ((width / 2) * Math.abs(dx)) / len + 2;
  const x = g.x1 + dx * 0.3;
  let t = 0.3;
  if (x - reach < l.plotLeft) t = (l.plotLeft + reach - g.x1) / dx;
  else if (x + reach > l.plotRight) t = (l.plotRight - reach - g.x1) / dx;
  return Math.min(0.95, Math.max(0.05, t));
}

/**
 * Places the labels greedily, most important first: each takes its first spot inside `bounds` that
 * overlaps no label already placed, or is left out. Left-out decisions close together on one lane
 * become one "+N" (placed last, if there is room for it). No two placed labels overlap.
 */
export function placeLabels(requests: LabelRequest[], bounds: Bounds, h: number, measure: (text: string) => number = (t) => 7 * t.length): PlacedLabel[] {
  const placed: PlacedLabel[] = [];
  const order = requests.map((r, i) => ({ r, i })).sort((a, b) => b.r.priority - a.r.priority || a.i - b.i);
  const left: LabelRequest[] = [];
  for (const { r } of order) if (!tryPlace(r, placed, bounds, h)) left.push(r);
  for (const more of summarizeLeftOut(left, h, measure)) tryPlace(more, placed, bounds, h);
  return placed;
}

function tryPlace(r: LabelRequest, placed: PlacedLabel[], bounds: Bounds, h: number): boolean {
  for (const s of r.spots) {
    const box: LabelBox = { cx: s.cx, cy: s.cy, w: r.width, h, angle: s.angle ?? 0 };
    if (!inside(box, bounds)) continue;
    const wide = { ...box, w: box.w + GAP_X };
    if (placed.some((p) => boxesOverlap(wide, { ...p, w: p.w + GAP_X }))) continue;
    placed.push({ ...box, text: r.text, color: r.color, role: r.role });
    return true;
  }
  return false;
}

/** Runs of left-out decisions on one lane, each as a "+N" request beside the run's first star. */
function summarizeLeftOut(left: LabelRequest[], h: number, measure: (text: string) => number): LabelRequest[] {
  const byLane = new Map<number | string, LabelRequest[]>();
  for (const r of left) {
    if (r.role !== 'decide' || r.lane === undefined || !r.anchor) continue;
    let list = byLane.get(r.lane);
    if (!list) byLane.set(r.lane, (list = []));
    list.push(r);
  }
  const out: LabelRequest[] = [];
  for (const list of byLane.values()) {
    list.sort((a, b) => a.anchor!.x - b.anchor!.x);
    let k = 0;
    while (k < list.length) {
      const start = list[k];
      let n = 0;
      while (k < list.length && list[k].anchor!.x - start.anchor!.x <= MORE_RUN) (k++, n++);
      const text = `+${n}`;
      const width = measure(text);
      // Beside the run's first star, else beside its last.
      const spots = [start.anchor!, list[k - 1].anchor!].flatMap((a) => besideMarker(a.x, a.y, width, h, a.above, a.below, 7));
      out.push({ text, width, priority: -1, spots, color: start.color, role: 'more', lane: start.lane });
    }
  }
  return out;
}
