/**
 * The playground running Multi-Paxos in Chromium against a real `paxlab serve`: a 5-node
 * key-value service with 3 clients; the leader is crashed and a follower paused and resumed while
 * the clients run; the log views (from the nodes' own snapshots) converge on every live replica and
 * the live verdict, judged in the engine, says linearizable. Screenshots go to
 * test-results/screenshots/. Waits are long: on a busy machine the page sees the cluster late, never
 * wrongly. While it runs, the live diagram is checked readable (lanes apart, decision labels apart and
 * inside the plot) at 1280×800 and 1024×700, light and dark.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openApp, type AppSession } from './helpers/app-page.js';
import { SCREENSHOTS } from './helpers/browser.js';
import { AXIS_H, GUTTER, MIN_CLIENT_GAP, MIN_NODE_GAP, minPlotHeight } from '../../renderer/src/diagram/layout.js';

let app: AppSession;
let page: Page;

const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
const attr = (testId: string, name: string) => page.getByTestId(testId).getAttribute(name);
const doneOf = async (client: string) => Number(await page.getByTestId(`client-${client}-done`).textContent());
/** The node the log views crown (leads with phase 1 done), if exactly one does. */
async function crowned(): Promise<number | null> {
  const ids = await page.locator('[data-testid^="mp-leader-"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-testid')!.slice('mp-leader-'.length))));
  return ids.length === 1 ? ids[0] : null;
}

/**
 * What the page shows of the live diagram, measured in the page in one go (one frame): the lanes'
 * heights, the canvas's height, and the decision labels' boxes that overlap another or leave the plot.
 */
async function diagramLook() {
  return page.evaluate(({ gutter, axisH }) => {
    const canvas = document.querySelector('[data-testid=diagram]')!;
    const c = canvas.getBoundingClientRect();
    const boxes = [...document.querySelectorAll('[data-testid=decide-label]')].map((el) => ({ text: el.textContent ?? '', r: el.getBoundingClientRect() }));
    const tol = 0.5;
    const overlaps: string[] = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i].r, boxes[j].r];
        if (a.left < b.right - tol && b.left < a.right - tol && a.top < b.bottom - tol && b.top < a.bottom - tol) overlaps.push(`${boxes[i].text} / ${boxes[j].text}`);
      }
    const outside = boxes
      .filter(({ r }) => r.left < c.left + gutter - tol || r.right > c.right - 8 + tol || r.top < c.top + axisH - tol || r.bottom > c.bottom + tol)
      .map((b) => b.text);
    return {
      labels: boxes.length,
      overlaps,
      outside,
      lanes: (canvas.getAttribute('data-lanes') ?? '').split(',').map(Number),
      nodes: Number(canvas.getAttribute('data-nodes')),
      height: c.height,
    };
  }, { gutter: GUTTER, axisH: AXIS_H });
}

/**
 * The diagram of 5 nodes and 3 clients is readable now: every frame looked at (until two showed
 * decision labels) has its lanes apart and its decision labels apart and inside the plot.
 */
async function expectReadableDiagram(): Promise<void> {
  const wrong: string[] = [];
  const least = minPlotHeight([1, 2, 3, 4, 5, 'c1', 'c2', 'c3']);
  let seen = 0;
  await expect.poll(async () => {
    const look = await diagramLook();
    wrong.push(...look.overlaps.map((o) => `overlap: ${o}`), ...look.outside.map((o) => `outside the plot: ${o}`));
    if (look.nodes !== 5 || look.lanes.length !== 8) wrong.push(`lanes: ${look.nodes} nodes, ${look.lanes.length} lanes`);
    if (look.height < least - 1) wrong.push(`diagram ${look.height} px high, lanes need ${least}`);
    for (let k = 1; k < look.lanes.length; k++) {
      const gap = look.lanes[k] - look.lanes[k - 1];
      if (gap < (k <= look.nodes ? MIN_NODE_GAP : MIN_CLIENT_GAP) - 1) wrong.push(`lanes ${k} and ${k + 1} are ${gap} px apart`);
    }
    if (look.labels >= 2) seen++;
    return seen;
  }, { timeout: 60_000, interval: 200 }).toBeGreaterThanOrEqual(2);
  expect([...new Set(wrong)]).toEqual([]);
}

/** A screenshot of the diagram frozen (Pause) at a moment that shows decisions, then live again. */
async function shotOfDecisions(name: string): Promise<void> {
  // The view may move on between the look and the click: a few tries for a frozen frame with labels.
  for (let attempt = 0; ; attempt++) {
    await expect.poll(async () => (await diagramLook()).labels, { timeout: 60_000, interval: 100 }).toBeGreaterThanOrEqual(2);
    await page.getByTestId('pause').click();
    const frozen = await diagramLook();
    expect(frozen.overlaps).toEqual([]);
    expect(frozen.outside).toEqual([]);
    if (frozen.labels >= 2 || attempt === 4) break;
    await page.getByTestId('live').click();
  }
  await shot(name);
  await page.getByTestId('live').click();
}

beforeAll(async () => {
  app = await openApp();
  page = app.page;
}, 180_000);

afterAll(async () => {
  await app?.close();
}, 30_000);

describe('Multi-Paxos playground in Chromium', () => {
  test('5 nodes, 3 clients: crash the leader, pause and resume a follower; the logs converge and the history is linearizable', async () => {
    await page.getByTestId('nav-playground').click();
    await page.getByTestId('protocol').selectOption('kv');
    await page.getByTestId('node-count').selectOption('5');
    await page.getByTestId('client-count').fill('3');
    await page.getByTestId('client-keys').fill('3');
    await page.getByTestId('client-ops').fill('200');
    // Paced (200 operations take each client at least 20 s), so the faults land while the clients
    // run even when a busy machine makes every step of the test slow.
    await page.getByTestId('client-rate').fill('10');
    await page.getByTestId('start-cluster').click();
    await page.getByTestId('cluster-status').filter({ hasText: 'running' }).waitFor({ timeout: 90_000 });
    await page.getByTestId('clients-panel').waitFor();

    // Every node reports its log; one leads.
    for (let n = 1; n <= 5; n++) await expect.poll(() => attr(`mp-node-${n}`, 'data-applied'), { timeout: 90_000 }).not.toBe('');
    await expect.poll(crowned, { timeout: 90_000 }).not.toBeNull();
    await expect.poll(() => doneOf('c1'), { timeout: 90_000 }).toBeGreaterThanOrEqual(10);
    await expect.poll(() => page.locator('[data-testid="mp-node-1"] .cell[data-state="applied"]').count(), { timeout: 90_000 }).toBeGreaterThan(0);
    await shot('multipaxos-running');

    // Crash the leader: it is drawn crashed, another node takes over, the clients go on.
    // The crown the poll saw (it may flicker while a view is stale).
    let leader = 0;
    await expect.poll(async () => (leader = (await crowned()) ?? 0), { timeout: 90_000 }).toBeGreaterThan(0);
    await page.getByTestId(`mp-crash-${leader}`).click();
    await expect.poll(() => attr(`mp-node-${leader}`, 'data-condition'), { timeout: 90_000 }).toBe('crashed');
    await expect.poll(async () => {
      const l = await crowned();
      return l !== null && l !== leader;
    }, { timeout: 90_000 }).toBe(true);
    let newLeader = 0;
    await expect.poll(async () => (newLeader = (await crowned()) ?? 0), { timeout: 90_000 }).toBeGreaterThan(0);
    const afterCrash = await doneOf('c2');
    await expect.poll(() => doneOf('c2'), { timeout: 90_000 }).toBeGreaterThan(afterCrash + 5);
    await shot('multipaxos-leader-crashed');

    // Pause a follower (SIGSTOP): drawn paused, distinct from crashed; its last view stays.
    const follower = [1, 2, 3, 4, 5].find((n) => n !== leader && n !== newLeader)!;
    await page.getByTestId(`pause-${follower}`).click();
    await expect.poll(() => attr(`mp-node-${follower}`, 'data-condition'), { timeout: 90_000 }).toBe('paused').catch(async (err) => {
      await shot('multipaxos-pause-failed');
      throw err;
    });
    await expect(page.getByTestId(`mp-paused-${follower}`).isVisible()).resolves.toBe(true);
    await expect(page.getByTestId(`paused-${follower}`).isVisible()).resolves.toBe(true);
    const beforePause = await doneOf('c3');
    await expect.poll(() => doneOf('c3'), { timeout: 90_000 }).toBeGreaterThan(beforePause + 5);
    await shot('multipaxos-follower-paused');
    await page.getByTestId(`resume-${follower}`).click();
    await expect.poll(() => attr(`mp-node-${follower}`, 'data-condition'), { timeout: 90_000 }).toBe('up');

    // The diagram of 5 nodes and 3 clients is readable (checked after the faults, which must land
    // while the clients run), at 1280×800 and, with the logs below giving way, at 1024×700, light and dark.
    await expectReadableDiagram();
    await shotOfDecisions('multipaxos-diagram-1280x800');
    await page.setViewportSize({ width: 1024, height: 700 });
    await expectReadableDiagram();
    await shotOfDecisions('multipaxos-1024x700');
    await page.getByTestId('theme-toggle').click();
    await expectReadableDiagram();
    await shotOfDecisions('multipaxos-1024x700-dark');
    await page.getByTestId('theme-toggle').click();
    await page.setViewportSize({ width: 1280, height: 800 });

    // The clients finish; every live replica shows the same applied prefix and the same store.
    await page.getByTestId('clients-phase').filter({ hasText: 'done' }).waitFor({ timeout: 300_000 });
    await expect.poll(() => attr('log-agreement', 'data-converged'), { timeout: 90_000 }).toBe('true');
    const live = [1, 2, 3, 4, 5].filter((n) => n !== leader);
    // The cluster runs on (a leader change after the resume may choose no-ops): wait until every
    // live replica has applied all it knows chosen, and all of them the same prefix.
    const appliedAndChosen = async () => (await Promise.all(live.map((n) => Promise.all([attr(`mp-node-${n}`, 'data-applied'), attr(`mp-node-${n}`, 'data-chosen')])))).flat();
    await expect.poll(async () => new Set(await appliedAndChosen()).size, { timeout: 90_000 }).toBe(1);
    const applied = await Promise.all(live.map((n) => attr(`mp-node-${n}`, 'data-applied')));
    expect(new Set(applied).size).toBe(1);
    expect(Number(applied[0])).toBeGreaterThan(20);
    await expect.poll(() => attr('log-agreement', 'data-applied'), { timeout: 30_000 }).toBe(applied[0]);
    const stores = await Promise.all(live.map((n) => page.getByTestId(`mp-state-${n}`).evaluate((el) => el.textContent)));
    expect(new Set(stores).size).toBe(1);
    expect(stores[0]!.length).toBeGreaterThan(0);

    // The engine's live verdict: linearizable, over every operation (3 × 200, then c1's final reads).
    await expect.poll(() => attr('live-verdict', 'data-verdict'), { timeout: 90_000 }).toBe('ok');
    const verdict = (await page.getByTestId('live-verdict').textContent())!;
    expect(verdict).toMatch(/linearizable/);
    const judged = /(\d+) of (\d+) operations judged/.exec(verdict)!;
    expect(judged[1]).toBe(judged[2]);
    expect(Number(judged[1])).toBeGreaterThanOrEqual(600);
    // The crashed leader, restarted from its stable storage, catches up: all five agree.
    await page.getByTestId(`mp-restart-${leader}`).click();
    // A fresh node process: slow to start when the machine is busy.
    await expect.poll(() => attr(`mp-node-${leader}`, 'data-condition'), { timeout: 60_000 }).toBe('up');
    await expect.poll(() => attr(`mp-node-${leader}`, 'data-applied'), { timeout: 60_000 }).toBe(applied[0]);
    await expect.poll(() => attr('log-agreement', 'data-converged'), { timeout: 90_000 }).toBe('true');
    await expect.poll(() => page.getByTestId(`mp-state-${leader}`).evaluate((el) => el.textContent), { timeout: 90_000 }).toBe(stores[0]);

    // Its link: the history view of the same run, beside its space-time diagram.
    await page.getByTestId('show-history').click();
    await page.getByTestId('history-panel').waitFor();
    await shot('multipaxos-converged');
    expect(app.pageErrors).toEqual([]);
    await page.getByTestId('stop-cluster').click();
  }, 900_000);

  test('a 3-node lock service: clients start on request; the replicas show who holds each lock', async () => {
    // Independent of the test before: a cluster it left running is stopped first.
    // (The one before may still be stopping: its Stop button can go away between a look and a click;
    // the wait for Start below is what must hold.)
    const start = page.getByTestId('start-cluster');
    if (!(await start.isVisible())) await page.getByTestId('stop-cluster').click({ timeout: 5_000 }).catch(() => undefined);
    await start.waitFor({ timeout: 90_000 });
    await page.getByTestId('protocol').selectOption('lock');
    await page.getByTestId('node-count').selectOption('3');
    await page.getByTestId('client-count').fill('2');
    await page.getByTestId('client-keys').fill('2');
    await page.getByTestId('client-ops').fill('30');
    await page.getByTestId('client-rate').fill('0');
    await page.getByTestId('client-autostart').uncheck();
    await page.getByTestId('start-cluster').click();
    await page.getByTestId('clients-phase').filter({ hasText: 'idle' }).waitFor({ timeout: 90_000 });
    expect(await attr('live-verdict', 'data-verdict')).toBe('none');
    await page.getByTestId('start-clients').click();
    await page.getByTestId('clients-phase').filter({ hasText: 'done' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => attr('live-verdict', 'data-verdict'), { timeout: 90_000 }).toBe('ok');
    expect(await page.getByTestId('client-c2-done').textContent()).toBe('30');
    await expect.poll(() => attr('log-agreement', 'data-converged'), { timeout: 90_000 }).toBe('true');
    // Lock → holder on every replica, the same everywhere (a released lock is gone from the table).
    const tables = await Promise.all([1, 2, 3].map((n) => page.getByTestId(`mp-state-${n}`).evaluate((el) => el.textContent)));
    expect(new Set(tables).size).toBe(1);
    expect(tables[0]).toMatch(/^(L\d+c\d+)*$/);
    await expect(page.locator('[data-testid="mp-node-1"] details summary').textContent()).resolves.toMatch(/^locks \(\d+\)$/);
    await page.locator('[data-testid="mp-node-1"] details summary').click();
    await shot('multipaxos-lock-service');
    expect(app.pageErrors).toEqual([]);
    await page.getByTestId('stop-cluster').click();
  }, 480_000);
});
