/**
 * The history view in Chromium against a real `paxlab serve`: an imported run with clients shows
 * one lane per client with the operation that cannot follow the longest fitting order marked, linked
 * to the space-time diagram; an imported real-cluster trace is replayed in the simulator from the
 * same panel. Screenshots go to test-results/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ensureFreshRenderer } from './helpers/renderer-build.js';
import { startServe, type Served } from './helpers/serve.js';
import { launch, SCREENSHOTS, type Browser } from './helpers/browser.js';
import { Simulation } from '../../electron/engine/sim/index.js';
import { startCluster } from '../../electron/engine/cluster/index.js';
import { parseWorkloadText, planWorkload } from '../../electron/engine/clients/index.js';
import { serializeTrace, type TraceEvent } from '../../electron/engine/trace/index.js';
import { Node as TwoServerNode } from '../fixtures/two-server-node.js';

let served: Served;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
let illegalTrace: string;
let clusterTrace: string;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

async function setTheme(theme: 'light' | 'dark'): Promise<void> {
  const current = await page.evaluate(() => document.documentElement.dataset.theme);
  if (current !== theme) await page.getByTestId('theme-toggle').click();
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
}

async function importTrace(name: string, text: string): Promise<void> {
  await page.getByTestId('import-file').setInputFiles({ name, mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
  await page.locator('.stage-head strong').filter({ hasText: name.replace(/\.jsonl$/, '') }).waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  // The lecture's two servers executing requests in arrival order, two clients sending 2 commands each.
  const sim = new Simulation({ nodes: 2, nodeClass: TwoServerNode, seed: 1, clients: { plan: planWorkload(parseWorkloadText('log:ops=2'), 2, 1) } });
  sim.runUntil({ clientsDone: true, timeMs: 10_000 });
  sim.endClients();
  illegalTrace = serializeTrace(sim.trace);
  // A real 3-node cluster run of the reference node with 3 clients, to replay.
  const cluster = startCluster({ nodes: 3, seed: 4, network: { loss: 0.1 }, clients: { plan: planWorkload(parseWorkloadText('log:ops=1'), 3, 4) } });
  let events: TraceEvent[] = [];
  try {
    await cluster.ready;
    cluster.startClients();
    await cluster.waitForClients(20_000);
    cluster.endClients();
    await cluster.waitFor((c) => c.liveNodes().every((n) => c.decisions().has(n)), 10_000).catch(() => {});
    events = [...cluster.trace];
  } finally {
    await cluster.shutdown();
  }
  clusterTrace = serializeTrace(events);

  await ensureFreshRenderer();
  served = await startServe();
  browser = await launch();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(served.url);
  await page.getByTestId('connection').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
}, 30_000);

describe('history view in Chromium against paxlab serve', () => {
  test('an imported run with clients: one lane per client, the impossible operation marked, linked to the diagram', async () => {
    await setTheme('light');
    await page.getByTestId('nav-playground').click();
    await importTrace('two-servers.jsonl', illegalTrace);
    const panel = page.getByTestId('history-panel');
    await panel.waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('history-verdict').innerText(), { timeout: 30_000 }).toBe('not linearizable');
    // Two lanes (c1, c2) and four operations, one of them marked as the one that cannot follow.
    expect(await page.locator('[data-testid^=history-op-]').count()).toBe(4);
    const stuck = page.locator('[data-testid^=history-op-][data-stuck=true]');
    expect(await stuck.count()).toBe(1);
    expect(await page.locator('[data-testid^=history-op-][data-order]').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('history-reason').innerText()).toMatch(/c\d exec m\d(\.\d)? cannot follow the \d+ numbered operations?: c\d saw the log/);
    // The diagram has lanes for the clients too: requests are arrows between client and node lanes.
    expect(Number(await page.getByTestId('diagram').getAttribute('data-events'))).toBeGreaterThan(10);
    await shot('history-illegal-light');

    // Clicking the marked operation selects its invocation in the space-time diagram.
    await stuck.click();
    const details = page.getByTestId('inspector');
    await details.waitFor({ timeout: 20_000 });
    expect(await details.innerText()).toMatch(/invoke by c\d/);
    await shot('history-linked-light');
    await setTheme('dark');
    await shot('history-illegal-dark');
    await setTheme('light');
    expect(pageErrors).toEqual([]);
  });

  test('an imported real-cluster trace is replayed in the simulator from the panel', async () => {
    await importTrace('cluster-run.jsonl', clusterTrace);
    await expect.poll(() => page.getByTestId('history-verdict').innerText(), { timeout: 30_000 }).toBe('linearizable');
    await page.getByTestId('replay').click();
    await expect.poll(() => page.getByTestId('replay-verdict').innerText(), { timeout: 20_000 }).toBe('reproduced');
    await shot('history-replay-light');
    expect(pageErrors).toEqual([]);
  });
});
