/**
 * The diagram's pure parts (renderer/src/diagram): binary search on the time axis, the incremental
 * trace index (arrows, down intervals, partitions, windowed queries) and the trace summary.
 */
import { describe, expect, test } from 'vitest';
import { lowerBound, upperBound } from '../../renderer/src/diagram/search.js';
import { TraceIndex } from '../../renderer/src/diagram/trace-index.js';
import { summarize } from '../../renderer/src/diagram/summary.js';
import { makeLayout, arrowGeom, distToSegment, posAt, minPlotHeight, MIN_NODE_GAP, MIN_CLIENT_GAP } from '../../renderer/src/diagram/layout.js';
import { drawDiagram } from '../../renderer/src/diagram/draw.js';
import { besideMarker, boxesOverlap, inside, labelSpot, outline, placeLabels, type LabelRequest, type PlacedLabel } from '../../renderer/src/diagram/label-placement.js';
import { chooseLeader } from '../../renderer/src/diagram/leader.js';
import type { Palette } from '../../renderer/src/diagram/palette.js';
import { hitTest } from '../../renderer/src/diagram/hit-test.js';
import { TraceRecorder } from '../../electron/engine/trace/recorder.js';
import type { TraceEvent } from '../../electron/engine/trace/events.js';

function trace(build: (r: TraceRecorder) => void): TraceEvent[] {
  const r = new TraceRecorder({ source: 'sim', nodes: [1, 2, 3] });
  build(r);
  return r.events;
}

const prepare = (from: number, crnd: number) => ({ kind: 'prepare', from, crnd });

describe('binary search', () => {
  test('lower and upper bounds on a sorted array with duplicates', () => {
    const a = [1, 2, 2, 2, 5, 9];
    expect(lowerBound(a, 2)).toBe(1);
    expect(upperBound(a, 2)).toBe(4);
    expect(lowerBound(a, 0)).toBe(0);
    expect(lowerBound(a, 10)).toBe(6);
    expect(upperBound(a, 9)).toBe(6);
    expect(lowerBound(a, 3)).toBe(4);
    // Only the first n entries count.
    expect(lowerBound(a, 9, 4)).toBe(4);
  });
});

describe('TraceIndex', () => {
  const events = trace((r) => {
    r.record({ type: 'send', t: 1, id: 1, from: 1, to: 2, msg: prepare(1, 1) });
    r.record({ type: 'send', t: 1, id: 2, from: 1, to: 3, msg: prepare(1, 1) });
    r.record({ type: 'duplicate', t: 1, id: 1, from: 1, to: 2, copy: 1 });
    r.record({ type: 'deliver', t: 3, id: 1, from: 1, to: 2, msg: prepare(1, 1), copy: 0 });
    r.record({ type: 'drop', t: 4, id: 2, from: 1, to: 3, reason: 'loss', copy: 0 });
    r.record({ type: 'crash', t: 5, node: 3 });
    r.record({ type: 'partition', t: 6, groups: [[1, 2], [3]] });
    r.record({ type: 'restart', t: 8, node: 3 });
    r.record({ type: 'heal', t: 9 });
    r.record({ type: 'decide', t: 10, node: 2, value: 'x', slot: 0 });
  });

  test('pairs sends with their deliver or drop, duplicates included', () => {
    const idx = new TraceIndex(events);
    expect(idx.nodes).toEqual([1, 2, 3]);
    expect(idx.arrows).toHaveLength(3);
    const [a1, a2, dup] = idx.arrows;
    expect([a1.sendIdx, a1.endIdx, a1.dropped]).toEqual([1, 4, false]);
    expect([a2.sendIdx, a2.endIdx, a2.dropped]).toEqual([2, 5, true]);
    // The duplicate starts at the original send and is still in flight.
    expect([dup.copy, dup.sendIdx, dup.endIdx]).toEqual([1, 1, -1]);
  });

  test('records down intervals and partitions', () => {
    const idx = new TraceIndex(events);
    expect(idx.down).toEqual([{ node: 3, startIdx: 6, endIdx: 8 }]);
    expect(idx.partitions).toEqual([{ startIdx: 7, endIdx: 9, groups: [[1, 2], [3]] }]);
  });

  test('time positions stay monotonic even when stamps step back', () => {
    const idx = new TraceIndex();
    for (const [i, t] of [0, 5, 3, 7].entries()) idx.append({ type: 'heal', t, seq: i, lc: i });
    expect([0, 1, 2, 3].map((i) => idx.pos(i, 'time'))).toEqual([0, 5, 5, 7]);
    expect(idx.range(4, 6, 'time')).toEqual([1, 3]);
    expect(idx.range(1.2, 2.5, 'order')).toEqual([2, 3]);
  });

  test('window queries return exactly the arrows crossing the window', () => {
    // A long run of messages, each delivered 3 events after its send; one never delivered.
    const idx = new TraceIndex();
    let seq = 0;
    const push = (e: Record<string, unknown>) => idx.append({ ...e, seq, lc: seq, t: seq++ } as TraceEvent);
    push({ type: 'meta', format: 'paxlab-trace/1', source: 'sim', nodes: [1, 2] });
    push({ type: 'send', id: 999, from: 1, to: 2, msg: prepare(1, 1) }); // in flight for ever
    for (let id = 0; id < 2000; id++) {
      push({ type: 'send', id, from: 1, to: 2, msg: prepare(1, id) });
      push({ type: 'deliver', id, from: 1, to: 2, msg: prepare(1, id), copy: 0 });
    }
    const brute = (from: number, to: number, limit: number) =>
      idx.arrows.filter((a) => a.anchorIdx < limit && a.sendIdx < to && (a.endIdx < 0 || a.endIdx >= limit ? limit : a.endIdx) >= from);
    for (const [from, to, limit] of [[0, 10, idx.length], [1500, 1600, idx.length], [3990, 4002, idx.length], [100, 200, 150]]) {
      const got = idx.arrowsIn(from, to, limit).map((a) => a.id).sort((x, y) => x - y);
      expect(got).toEqual(brute(from, to, limit).map((a) => a.id).sort((x, y) => x - y));
    }
    // Virtualized: a small window looks at few arrows, not all 2001.
    expect(idx.arrowsIn(1500, 1510).length).toBeLessThan(12);
  });
});

describe('summary at the playhead', () => {
  test('down nodes, decisions, cut links, partition and the leader (highest prepare)', () => {
    const events = trace((r) => {
      r.record({ type: 'send', t: 1, id: 1, from: 1, to: 2, msg: prepare(1, 1) });
      r.record({ type: 'link', t: 2, a: 2, b: 1, up: false });
      r.record({ type: 'send', t: 3, id: 2, from: 2, to: 3, msg: prepare(2, 5) });
      r.record({ type: 'crash', t: 4, node: 1 });
      r.record({ type: 'decide', t: 5, node: 3, value: 'v', slot: 0 });
      r.record({ type: 'crash', t: 6, node: 2 });
    });
    const idx = new TraceIndex(events);
    const at4 = summarize(idx, 5);
    expect(at4.leader).toBe(2);
    expect([...at4.down]).toEqual([1]);
    expect([...at4.cut]).toEqual(['1-2']);
    expect(at4.decided.size).toBe(0);
    const end = summarize(idx, idx.length);
    expect(end.decided.get(3)).toBe('v');
    // The leader crashed: nobody leads according to the trace.
    expect(end.leader).toBeNull();
  });
});

describe('geometry and hit testing', () => {
  test('a click on an arrow selects that message; on the gutter, the node', () => {
    const events = trace((r) => {
      r.record({ type: 'send', t: 1, id: 1, from: 1, to: 3, msg: prepare(1, 1) });
      r.record({ type: 'deliver', t: 2, id: 1, from: 1, to: 3, msg: prepare(1, 1), copy: 0 });
    });
    const idx = new TraceIndex(events);
    const l = makeLayout({ x0: -1, scale: 40, mode: 'order', width: 600, height: 300 }, idx.nodes);
    const g = arrowGeom(l, idx, idx.arrows[0], idx.length);
    const mid = { x: (g.x1 + g.x2) / 2, y: (g.y1 + g.y2) / 2 };
    expect(distToSegment(mid.x, mid.y, g)).toBeCloseTo(0);
    expect(hitTest(idx, l, idx.length, mid.x, mid.y)).toEqual({ kind: 'arrow', arrow: idx.arrows[0] });
    expect(hitTest(idx, l, idx.length, 10, l.rowY.get(2)!)).toEqual({ kind: 'node', node: 2 });
    expect(hitTest(idx, l, idx.length, mid.x, mid.y - 60)).toBeNull();
  });
});

describe('the axis counts events by seq', () => {
  /** A 2D context that records what is written where (drawing itself is not under test). */
  function recordingContext() {
    const texts: { text: string; x: number }[] = [];
    const ctx = new Proxy(
      {},
      {
        get(_t, key) {
          if (key === 'fillText') return (text: string, x: number) => texts.push({ text, x });
          if (key === 'measureText') return (text: string) => ({ width: text.length * 7 });
          return () => {};
        },
        set: () => true,
      },
    ) as unknown as CanvasRenderingContext2D;
    return { ctx, texts };
  }
  const palette = new Proxy({ kinds: {} }, { get: (t, k) => (k in t ? (t as Record<string | symbol, unknown>)[k] : '#000') }) as unknown as Palette;

  test('with events filtered out, each tick names the seq of the event it stands on (as the inspector does)', () => {
    // Heartbeats filtered out: the shown events have seqs 0, 3, 6, 9, … — positions and seqs differ.
    const all = trace((r) => {
      for (let i = 0; i < 200; i++) r.record({ type: 'send', t: i, id: i, from: 1, to: 2, msg: i % 3 === 2 ? prepare(1, i) : { kind: 'heartbeat', from: 1 } });
    });
    const idx = new TraceIndex(all.filter((e) => e.type === 'meta' || (e.type === 'send' && e.msg.kind !== 'heartbeat')));
    const l = makeLayout({ x0: -1, scale: 12, mode: 'order', width: 800, height: 300 }, idx.nodes);
    const { ctx, texts } = recordingContext();
    drawDiagram(ctx, idx, l, palette, { limit: idx.length, selectedArrow: null, selectedEvent: null, leader: null, showPlayhead: false });
    const ticks = texts.filter((t) => /^#\d+$/.test(t.text));
    expect(ticks.length).toBeGreaterThan(2);
    for (const t of ticks) {
      const pos = Math.round(posAt(l, t.x));
      expect(t.text).toBe(`#${idx.events[pos].seq}`);
    }
    // Ticks never crowd: at least 60 px apart.
    for (let k = 1; k < ticks.length; k++) expect(ticks[k].x - ticks[k - 1].x).toBeGreaterThanOrEqual(60);
  });

  test('decisions close together on one node line do not overprint their labels', () => {
    const events = trace((r) => {
      for (let k = 1; k <= 6; k++) r.record({ type: 'decide', t: k, node: 1, value: `{"f":"release","key":"L${k}"}`, slot: k });
      r.record({ type: 'decide', t: 7, node: 2, value: '{"f":"acquire","key":"L9"}', slot: 1 });
    });
    const idx = new TraceIndex(events);
    // 20 px between events: far less than a label's width; the lanes as close as they may be.
    const l = makeLayout({ x0: -1, scale: 20, mode: 'order', width: 800, height: minPlotHeight(idx.nodes) }, idx.nodes);
    const { ctx, texts } = recordingContext();
    const placed = drawDiagram(ctx, idx, l, palette, { limit: idx.length, selectedArrow: null, selectedEvent: null, leader: null, showPlayhead: false });
    // The canvas paints no label text itself: the labels are returned, placed.
    expect(texts.filter((t) => t.text.startsWith('decided '))).toEqual([]);
    const decided = placed.filter((t) => t.role === 'decide').map((t) => t.text);
    // The first is labelled where it belongs; node 2's line has its own; none overprints another.
    expect(decided).toEqual(expect.arrayContaining(['decided release L1', 'decided acquire L9']));
    expect(decided.length).toBeLessThan(7);
    expectApart(placed);
    // Those with no room are counted in a "+N" where one fits (here, between the labels, none does),
    // never twice.
    const counted = placed.filter((t) => t.role === 'more').reduce((n, t) => n + Number(t.text.slice(1)), 0);
    expect(decided.length + counted).toBeLessThanOrEqual(7);
    // Selected, a decision is labelled whatever is near it.
    const again = drawDiagram(recordingContext().ctx, idx, l, palette, { limit: idx.length, selectedArrow: null, selectedEvent: 4, leader: null, showPlayhead: false });
    expect(again.map((t) => t.text)).toContain('decided release L4');
    expectApart(again);
  });

  test('a decision just left of the plot (under the gutter) gets no label: moved in, it would seem another’s', () => {
    const events = trace((r) => {
      r.record({ type: 'decide', t: 1, node: 2, value: '{"f":"acquire","key":"L"}', slot: 1 });
      r.record({ type: 'decide', t: 2, node: 1, value: '{"f":"acquire","key":"M"}', slot: 1 });
    });
    const idx = new TraceIndex(events);
    // The first decide sits 10 px left of the plot's edge, the second well inside.
    const l = makeLayout({ x0: 1 + 10 / 40, scale: 40, mode: 'order', width: 600, height: 300 }, idx.nodes);
    const placed = drawDiagram(recordingContext().ctx, idx, l, palette, { limit: idx.length, selectedArrow: null, selectedEvent: null, leader: null, showPlayhead: false });
    expect(placed.map((t) => t.text)).toEqual(['decided acquire M']);
  });

  test('five nodes and three clients at the least height: lanes keep their gaps, the labels their room', () => {
    // A Multi-Paxos run's shape: every node decides each slot at almost the same moment.
    const r = new TraceRecorder({ source: 'sim', nodes: [1, 2, 3, 4, 5], clients: ['c1', 'c2', 'c3'] });
    for (let slot = 1; slot <= 30; slot++) {
      const c = `c${1 + (slot % 3)}`;
      r.record({ type: 'invoke', t: slot, client: c, request: `${c}:${slot}`, op: { f: 'put', key: 'k1', value: slot }, node: 1 });
      for (let n = 1; n <= 5; n++) r.record({ type: 'decide', t: slot, node: n, value: JSON.stringify([{ id: `${c}:${slot}` }]), slot });
      r.record({ type: 'ok', t: slot, client: c, request: `${c}:${slot}`, result: null, node: 1 });
    }
    const idx = new TraceIndex(r.events);
    const l = makeLayout({ x0: -1, scale: 16, mode: 'order', width: 900, height: minPlotHeight(idx.lanes) }, idx.lanes);
    const ys = idx.lanes.map((n) => l.rowY.get(n)!);
    for (let k = 1; k < 5; k++) expect(ys[k] - ys[k - 1]).toBeGreaterThanOrEqual(MIN_NODE_GAP - 1e-9);
    expect(ys[5] - ys[4]).toBeGreaterThanOrEqual(MIN_NODE_GAP - 1e-9);
    for (let k = 6; k < 8; k++) expect(ys[k] - ys[k - 1]).toBeGreaterThanOrEqual(MIN_CLIENT_GAP - 1e-9);
    const placed = drawDiagram(recordingContext().ctx, idx, l, palette, { limit: idx.length, selectedArrow: null, selectedEvent: null, leader: null, showPlayhead: false });
    expect(placed.filter((t) => t.role === 'decide').length).toBeGreaterThan(5);
    expectApart(placed);
    const plot = { left: l.plotLeft, right: l.plotRight, top: 26, bottom: l.vp.height };
    for (const t of placed) expect(inside(t, plot), t.text).toBe(true);
    // Taller than the least height, the lanes spread out and keep their order.
    const tall = makeLayout({ ...l.vp, height: 2 * l.vp.height }, idx.lanes);
    const tallYs = idx.lanes.map((n) => tall.rowY.get(n)!);
    for (let k = 1; k < tallYs.length; k++) expect(tallYs[k] - tallYs[k - 1]).toBeGreaterThan(ys[k] - ys[k - 1]);
    // Twenty clients share the room of six: the plot still fits a screen.
    const clients = (n: number) => Array.from({ length: n }, (_, k) => `c${k + 1}`);
    expect(minPlotHeight([1, 2, 3, 4, 5, ...clients(20)])).toBeCloseTo(minPlotHeight([1, 2, 3, 4, 5, ...clients(6)]));
    expect(minPlotHeight([1, 2, 3, 4, 5, ...clients(6)])).toBeGreaterThan(minPlotHeight([1, 2, 3, 4, 5, ...clients(3)]));
  });

  test('a failing run’s marks: numbered tags on the highlighted events and the steps', () => {
    const events = trace((r) => {
      r.record({ type: 'decide', t: 1, node: 1, value: 'x', slot: 0 });
      r.record({ type: 'decide', t: 2, node: 2, value: 'y', slot: 0 });
    });
    const idx = new TraceIndex(events);
    const l = makeLayout({ x0: -1, scale: 40, mode: 'order', width: 600, height: 300 }, idx.nodes);
    const { ctx, texts } = recordingContext();
    const marks = { highlights: new Map([[1, 1], [2, 2]]), steps: new Map([[1, { n: 1 }]]) };
    drawDiagram(ctx, idx, l, palette, { limit: idx.length, selectedArrow: null, selectedEvent: null, leader: null, showPlayhead: false, marks });
    expect(texts.map((t) => t.text)).toEqual(expect.arrayContaining(['⚠1', '⚠2', '1']));
  });
});

/** No two placed labels overlap. */
function expectApart(placed: PlacedLabel[]): void {
  for (let i = 0; i < placed.length; i++)
    for (let j = i + 1; j < placed.length; j++) expect(boxesOverlap(placed[i], placed[j], 0), `${placed[i].text} / ${placed[j].text}`).toBe(false);
}

describe('label placement', () => {
  const bounds = { left: 56, right: 792, top: 26, bottom: 300 };
  const H = 16;
  /** A decision's label beside a star at (x, y), with `gap` px to the lanes above and below. */
  const decide = (text: string, x: number, y: number, lane: number, gap = 30, priority = 40): LabelRequest => ({
    text,
    width: 7 * text.length,
    priority,
    spots: besideMarker(x, y, 7 * text.length, H, gap, gap),
    color: '#b45309',
    role: 'decide',
    lane,
    anchor: { x, y, above: gap, below: gap },
  });

  test('two decisions at the same x on neighbouring lanes do not overlap', () => {
    // Lanes 30 px apart: the upper one's "below" band is the lower one's "above" band.
    const placed = placeLabels([decide('slot 57: c3:21', 300, 100, 1), decide('slot 57: c3:21', 300, 130, 2)], bounds, H);
    expect(placed).toHaveLength(2);
    expectApart(placed);
    // Each stays next to its own star: above its line, in the band it owns.
    expect(placed[0].cy).toBeLessThan(100);
    expect(placed[1].cy).toBeLessThan(130);
    expect(placed[1].cy).toBeGreaterThan(100);
  });

  test('with neighbours on both sides, a label moves below, left or right, never onto another', () => {
    const reqs = [decide('slot 1: c1:1', 300, 100, 1), decide('slot 1: c1:1', 300, 130, 2), decide('slot 2: c2:1', 310, 100, 1), decide('slot 2: c2:1', 310, 130, 2), decide('slot 3: c3:1', 320, 160, 3)];
    const placed = placeLabels(reqs, bounds, H);
    expectApart(placed);
    expect(placed.filter((p) => p.role === 'decide').length).toBeGreaterThanOrEqual(4);
  });

  test('a label never leaves the plot: near an edge it goes to the other side, or is left out', () => {
    // Near the right edge: to the left of the star. Near the top: below the line.
    const right = placeLabels([decide('slot 99: c1:99', 780, 120, 1)], bounds, H);
    expect(right).toHaveLength(1);
    expect(right[0].cx).toBeLessThan(780);
    const top = placeLabels([decide('slot 1: c1:1', 200, 30, 1)], bounds, H);
    expect(top).toHaveLength(1);
    expect(top[0].cy).toBeGreaterThan(30);
    // Wider than the plot: nowhere to go; a "+1" beside its star says it is there.
    expect(placeLabels([decide('x'.repeat(200), 400, 150, 1)], bounds, H).map((t) => t.text)).toEqual(['+1']);
    for (const t of [...right, ...top]) expect(inside(t, bounds)).toBe(true);
  });

  test('many labels in a small box degrade gracefully: no overlaps, the important ones kept, the rest counted', () => {
    const small = { left: 0, right: 300, top: 0, bottom: 80 };
    const reqs: LabelRequest[] = [];
    for (let lane = 0; lane < 3; lane++) for (let k = 0; k < 20; k++) reqs.push(decide(`slot ${k}: c1:${k}`, 10 + k * 14, 20 + lane * 20, lane, 20));
    // A selected one, last in the list, wins its spot over all of them.
    reqs.push(decide('SELECTED', 150, 40, 1, 20, 100));
    const placed = placeLabels(reqs, small, H);
    expectApart(placed);
    for (const t of placed) expect(inside(t, small)).toBe(true);
    expect(placed.map((t) => t.text)).toContain('SELECTED');
    const labelled = placed.filter((t) => t.role === 'decide').length;
    expect(labelled).toBeLessThan(20);
    // The "+N" markers never claim more than was left out.
    const counted = placed.filter((t) => t.role === 'more').reduce((n, t) => n + Number(t.text.slice(1)), 0);
    expect(counted).toBeGreaterThan(0);
    expect(labelled + counted).toBeLessThanOrEqual(reqs.length);
  });

  test('labels turned along their arrows are kept apart too', () => {
    const along = (text: string, angle: number, cx: number, cy: number) => ({ cx, cy, w: 7 * text.length, h: H, angle, text, color: '', role: 'message' as const });
    // Crossing arrows' labels at the same point overlap; side by side along parallel arrows, not.
    expect(boxesOverlap(along('accept(4, x)', 0.6, 200, 100), along('promise(4, 1, x)', -0.6, 200, 100))).toBe(true);
    expect(boxesOverlap(along('accept(4, x)', 0.6, 200, 100), along('accept(4, x)', 0.6, 200 + 20 * Math.sin(0.6), 100 - 20 * Math.cos(0.6)))).toBe(false);
    // A turned box's outline holds all of it.
    const o = outline(along('accept(4, x)', 0.6, 200, 100));
    expect(o.right - o.left).toBeGreaterThan(7 * 12 * Math.cos(0.6));
  });
});

describe('message labels stay inside the plot', () => {
  const l = { plotLeft: 60, plotRight: 760 };
  // How far left and right of its anchor a label of `width` drawn along the arrow reaches.
  const extent = (width: number, g: { x1: number; y1: number; x2: number; y2: number }, t: number) => {
    const dx = g.x2 - g.x1;
    const half = ((width / 2) * Math.abs(dx)) / Math.hypot(dx, g.y2 - g.y1);
    const x = g.x1 + dx * t;
    return [x - half, x + half];
  };

  test('a third of the way along an arrow in the middle of the plot', () => {
    expect(labelSpot(70, { x1: 200, y1: 40, x2: 400, y2: 140 }, l)).toBeCloseTo(0.3);
  });

  test('an arrow that starts left of the plot carries its label far enough in to show all of it', () => {
    for (const g of [{ x1: 20, y1: 40, x2: 220, y2: 140 }, { x1: 220, y1: 40, x2: 20, y2: 140 }]) {
      const t = labelSpot(70, g, l);
      const [left, right] = extent(70, g, t);
      expect(left, JSON.stringify(g)).toBeGreaterThanOrEqual(l.plotLeft);
      expect(right).toBeLessThanOrEqual(l.plotRight);
      expect(t).toBeGreaterThanOrEqual(0.05);
      expect(t).toBeLessThanOrEqual(0.95);
    }
  });

  test('and one that runs off the right edge keeps its label left of it', () => {
    const g = { x1: 700, y1: 40, x2: 900, y2: 140 };
    const [, right] = extent(70, g, labelSpot(70, g, l));
    expect(right).toBeLessThanOrEqual(l.plotRight);
  });
});

describe('the playground crown', () => {
  const vote = (node: number, leader: number, takenAtSeq = 10, up = true) => ({ node, up, leader, takenAtSeq });

  test('follows what most live nodes say', () => {
    expect(chooseLeader([vote(1, 1), vote(2, 1), vote(3, 3)], new Set(), new Map(), null)).toBe(1);
  });

  test('leaves a crashed node at once, even while the others still name it', () => {
    // S1 crashed at seq 20; S2..S5 have not noticed and still name S1.
    const down = new Set([1]);
    const votes = [vote(2, 1), vote(3, 1), vote(4, 1), vote(5, 1)];
    expect(chooseLeader(votes, down, new Map([[1, 20]]), 1)).toBeNull();
    // Once some of them follow S2, the crown goes there.
    expect(chooseLeader([vote(2, 2, 30), vote(3, 2, 30), vote(4, 1), vote(5, 1)], down, new Map([[1, 20]]), 1)).toBe(2);
    // The trace's own guess is no better when it names the crashed node.
    expect(chooseLeader([], down, new Map(), 1)).toBeNull();
    expect(chooseLeader([], down, new Map(), 3)).toBe(3);
  });

  test('a snapshot from before the voter restarted does not count', () => {
    // S2 restarted at seq 40; its snapshot from seq 35 (naming S3) is stale.
    expect(chooseLeader([vote(2, 3, 35), vote(4, 4, 50)], new Set(), new Map([[2, 40]]), null)).toBe(4);
  });
});

describe('clients in the diagram (format 2)', () => {
  const events = (() => {
    const r = new TraceRecorder({ source: 'sim', nodes: [1, 2], clients: ['c1', 'c2'] });
    r.record({ type: 'invoke', t: 0, client: 'c1', request: 'c1:1', op: { f: 'exec', value: 'm1' }, node: 1 });
    r.record({ type: 'send', t: 0, id: 1, from: 'c1', to: 1, msg: { kind: 'request', request: 'c1:1' } });
    r.record({ type: 'deliver', t: 2, id: 1, from: 'c1', to: 1, msg: { kind: 'request', request: 'c1:1' }, copy: 0 });
    r.record({ type: 'send', t: 2, id: 2, from: 1, to: 'c1', msg: { kind: 'reply', request: 'c1:1', result: 'm1' } });
    r.record({ type: 'deliver', t: 4, id: 2, from: 1, to: 'c1', msg: { kind: 'reply', request: 'c1:1', result: 'm1' }, copy: 0 });
    r.record({ type: 'ok', t: 4, client: 'c1', request: 'c1:1', result: ['m1'], node: 1 });
    return r.events;
  })();

  test('clients are lanes below the nodes; requests and replies are arrows between lanes', () => {
    const idx = new TraceIndex(events);
    expect(idx.nodes).toEqual([1, 2]);
    expect(idx.lanes).toEqual([1, 2, 'c1', 'c2']);
    expect(idx.arrows.map((a) => [a.from, a.to, a.kind, a.endIdx >= 0])).toEqual([['c1', 1, 'request', true], [1, 'c1', 'reply', true]]);
    const l = makeLayout({ x0: -1, scale: 40, mode: 'order', width: 800, height: 400 }, idx.lanes);
    expect(l.rowY.get('c1')!).toBeGreaterThan(l.rowY.get(2)!);
  });

  test("a history event is hit on its client's lane", () => {
    const idx = new TraceIndex(events);
    const l = makeLayout({ x0: -1, scale: 40, mode: 'order', width: 800, height: 400 }, idx.lanes);
    const okIdx = idx.events.findIndex((e) => e.type === 'ok');
    const x = l.plotLeft + (okIdx - l.vp.x0) * l.vp.scale;
    expect(hitTest(idx, l, idx.length, x, l.rowY.get('c1')!)).toEqual({ kind: 'event', index: okIdx });
  });
});
