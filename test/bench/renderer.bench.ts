/**
 * Renderer frame time while scrolling a 10k-event trace in Chromium: the real app (served by
 * `paxlab serve`) imports a simulator trace through the UI, shows every event (heartbeats and timers
 * included), and the page scrolls the diagram one wheel step per animation frame while it records
 * requestAnimationFrame intervals and the diagram's own draw time.
 */
import { Simulation } from '../../electron/engine/sim/index.js';
import { serializeTrace } from '../../electron/engine/trace/io.js';
import { SingleDecreeNode } from '../../labs/paxos-node/node.js';
import type { TraceEvent } from '../../electron/engine/trace/events.js';
import { ensureFreshRenderer } from '../e2e/helpers/renderer-build.js';
import { startServe } from '../e2e/helpers/serve.js';
import { launch } from '../e2e/helpers/browser.js';

const TARGET_EVENTS = 10_000;

/**
 * One run decides within a few hundred events (then the nodes fall silent), so the trace is many
 * seeded runs laid end to end: seq, time, Lamport clocks and message ids shifted to stay unique.
 */
function tenThousandEvents(): { text: string; events: number } {
  const out: TraceEvent[] = [];
  let t = 0;
  let lc = 0;
  let ids = 0;
  for (let seed = 1; out.length < TARGET_EVENTS + 1; seed++) {
    const s = new Simulation({ nodes: 5, nodeClass: SingleDecreeNode, seed, network: { loss: 0.2, dup: 0.05, minDelayMs: 1, maxDelayMs: 10 } });
    s.clientRequest(1, `v${seed}`);
    s.clientRequest(3, `w${seed}`);
    s.runUntil({ timeMs: 5_000 });
    let maxT = 0;
    let maxLc = 0;
    let maxId = 0;
    for (const e of s.trace) {
      if (e.type === 'meta' && out.length > 0) continue;
      const shifted = { ...e, seq: out.length, t: e.t + t, lc: e.lc + lc } as TraceEvent & { id?: number };
      if (typeof shifted.id === 'number') {
        maxId = Math.max(maxId, shifted.id);
        shifted.id += ids;
      }
      maxT = Math.max(maxT, e.t);
      maxLc = Math.max(maxLc, e.lc);
      out.push(shifted);
      if (out.length > TARGET_EVENTS) break;
    }
    t += maxT + 50;
    lc += maxLc + 1;
    ids += maxId + 1;
  }
  return { text: serializeTrace(out), events: out.length - 1 };
}

interface PageStats {
  frames: number[];
  draws: number[];
}

const p = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export async function bench() {
  const { text, events } = tenThousandEvents();
  await ensureFreshRenderer();
  const served = await startServe();
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${served.url}#/playground`);
    await page.getByTestId('connection').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('import-file').setInputFiles({ name: 'bench.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
    // Show every event: heartbeats and timers are hidden by default.
    for (const kind of ['heartbeat', 'timer', 'log']) {
      const box = page.locator('label', { hasText: new RegExp(`^${kind}$`) }).locator('input');
      if (!(await box.isChecked())) await box.check();
    }
    const diagram = page.getByTestId('diagram');
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=diagram]')?.getAttribute('data-events')) >= n, events * 0.95, { timeout: 30_000 });
    const shown = Number(await diagram.getAttribute('data-events'));

    // Passed as source text: tsx would otherwise wrap named functions in a helper the page lacks.
    const scroll = (frames: number, delta: number) =>
      page.evaluate(`new Promise((resolve) => {
        const canvas = document.querySelector('[data-testid=diagram]');
        window.__paxlabDrawTimes = [];
        const stamps = [];
        const tick = (t) => {
          stamps.push(t);
          if (stamps.length > ${frames}) {
            const out = { frames: stamps.slice(1).map((s, i) => s - stamps[i]), draws: window.__paxlabDrawTimes };
            delete window.__paxlabDrawTimes;
            resolve(out);
            return;
          }
          canvas.dispatchEvent(new WheelEvent('wheel', { deltaY: ${delta}, bubbles: true, cancelable: true }));
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      })`) as Promise<PageStats>;

    await scroll(30, 20); // warm up
    const normal = await scroll(300, 24);
    await page.getByRole('button', { name: 'Fit' }).click();
    const whole = await scroll(120, 4);
    return [
      {
        name: 'renderer: frame time scrolling a 10k-event trace (mean)',
        value: mean(normal.frames),
        unit: 'ms/frame',
        target: '<= 20',
        note: `${shown} events shown; p95 ${p(normal.frames, 0.95).toFixed(1)} ms; diagram draw mean ${mean(normal.draws).toFixed(2)} ms, p95 ${p(normal.draws, 0.95).toFixed(2)} ms`,
      },
      {
        name: 'renderer: frame time with the whole 10k-event trace on screen (mean)',
        value: mean(whole.frames),
        unit: 'ms/frame',
        target: '<= 20',
        note: `p95 ${p(whole.frames, 0.95).toFixed(1)} ms; diagram draw mean ${mean(whole.draws).toFixed(2)} ms, p95 ${p(whole.draws, 0.95).toFixed(2)} ms`,
      },
    ];
  } finally {
    await browser.close();
    await served.stop();
  }
}
