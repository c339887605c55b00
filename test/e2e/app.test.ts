/**
 * The renderer end to end, in Debian's Chromium against a real `paxlab serve`: every lab opens; a
 * student opens the acceptor lab, sees the starter fail, types the reference solution into the editor, sees it pass;
 * then runs a 5-node cluster, crashes the leader from the UI and sees a new leader and the decision.
 * Screenshots of every main screen, in both themes, go to test-results/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ensureFreshRenderer, repoRoot } from './helpers/renderer-build.js';
import { TraceRecorder } from '../../electron/engine/trace/recorder.js';
import { serializeTrace } from '../../electron/engine/trace/io.js';
import { startServe, type Served } from './helpers/serve.js';
import { launch, SCREENSHOTS, type Browser } from './helpers/browser.js';

let served: Served;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

async function setTheme(theme: 'light' | 'dark'): Promise<void> {
  const current = await page.evaluate(() => document.documentElement.dataset.theme);
  if (current !== theme) await page.getByTestId('theme-toggle').click();
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
}

function findFile(dir: string, name: string): string | null {
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) {
      const hit = findFile(p, name);
      if (hit) return hit;
    } else if (entry === name) return p;
  }
  return null;
}

beforeAll(async () => {
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

describe('renderer in Chromium against paxlab serve', () => {
  test('catalog lists the role labs with their progress', async () => {
    await setTheme('light');
    const card = page.getByTestId('lab-card-acceptor');
    await card.waitFor({ timeout: 20_000 });
    await expect.poll(() => card.innerText()).toMatch(/acceptor/i);
    expect(await card.getByTestId('progress').innerText()).toBe('Not started');
    await shot('catalog-light');
    await setTheme('dark');
    await shot('catalog-dark');
    await setTheme('light');

    // The help overlay: its columns stay apart, every key and description inside its own column.
    await page.keyboard.press('?');
    const columns = page.getByTestId('help-columns').locator('section');
    await columns.first().waitFor();
    const overflow = await columns.evaluateAll((sections) =>
      sections.flatMap((sec) => {
        const box = sec.getBoundingClientRect();
        return [...sec.querySelectorAll('dt, dd, kbd')]
          .map((el) => el.getBoundingClientRect())
          .filter((r) => r.right > box.right + 0.5 || r.left < box.left - 0.5)
          .map((r) => `${sec.querySelector('h3')?.textContent}: ${Math.round(r.left)}..${Math.round(r.right)} outside ${Math.round(box.left)}..${Math.round(box.right)}`);
      }),
    );
    expect(overflow).toEqual([]);
    await shot('help-overlay');
    await page.keyboard.press('Escape');
    await page.getByTestId('help-columns').waitFor({ state: 'detached' });
    expect(pageErrors).toEqual([]);
  });

  test('every lab in the catalog opens: its instructions rendered, its editor ready', async () => {
    for (const id of ['acceptor', 'proposer', 'learner', 'multi-paxos', 'kv-service']) {
      await page.evaluate((labId) => (location.hash = `#/lab/${labId}`), id);
      await page.locator('[data-testid=editor] .cm-content').waitFor({ timeout: 20_000 });
      const instructions = page.getByTestId('instructions');
      await expect.poll(() => instructions.innerText().then((t) => t.length), { timeout: 20_000 }).toBeGreaterThan(200);
      expect(pageErrors, id).toEqual([]);
    }
    // Back to the catalog, where the next test starts.
    await page.getByRole('button', { name: 'Labs', exact: true }).click();
    await page.getByTestId('lab-card-acceptor').waitFor({ timeout: 20_000 });
  });

  test('acceptor lab: the starter fails, the reference typed into the editor passes', async () => {
    await page.getByTestId('lab-card-acceptor').click();
    await page.getByTestId('instructions').waitFor();
    await expect.poll(async () => (await page.getByTestId('instructions').innerText()).length, { timeout: 30_000 }).toBeGreaterThan(0);
    const editor = page.locator('[data-testid=editor] .cm-content');
    await editor.waitFor();
    await shot('lab-light');

    // The starter as shipped fails the public tests.
    await page.getByTestId('run-tests-editor').click();
    const summary = page.getByTestId('grade-summary');
    await summary.waitFor({ timeout: 90_000 });
    expect(await summary.innerText()).toMatch(/fail|does not build/i);
    const failing = page.locator('[data-testid^=verdict-][data-passed=false]');
    expect(await failing.count()).toBeGreaterThan(0);
    // The first failure opens with its details: expected vs actual, or the broken rule.
    await expect.poll(() => page.locator('[data-testid=expected], [data-testid=broken-rule]').count()).toBeGreaterThan(0);
    await shot('grading-failing-light');
    await setTheme('dark');
    await shot('grading-failing-dark');
    await setTheme('light');

    // Type the reference solution in place of the starter; autosave writes it to the workspace.
    const reference = readFileSync(path.join(repoRoot, 'labs/01-acceptor/reference/acceptor.ts'), 'utf8');
    await page.getByText('TypeScript ✓').waitFor({ timeout: 30_000 });
    await editor.click();
    // First a typo against an SDK type: IntelliSense knows PrepareMsg, so the editor flags it inline.
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(reference.replace('this.rnd = msg.crnd;', 'this.rnd = msg.crnf;'));
    await page.locator('[data-testid=editor] .cm-lintRange-error').first().waitFor({ timeout: 20_000 });
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(reference);
    await expect.poll(() => page.locator('[data-testid=editor] .cm-content').innerText(), { timeout: 20_000 }).toContain('handleAccept(msg: AcceptMsg)');
    // The starter's scenarios and search may still be running on the same host: the save can wait
    // for a loaded machine, and a failure shows what the status line said last.
    await expect.poll(() => page.getByTestId('save-status').innerText(), { timeout: 45_000 }).toBe('Saved');
    const onDisk = findFile(served.workspace, 'acceptor.ts');
    expect(onDisk, 'the autosaved file in the workspace').not.toBeNull();
    expect(readFileSync(onDisk!, 'utf8').trim()).toBe(reference.trim());
    // The reference type-checks against the SDK: no error left in the editor.
    await expect.poll(() => page.locator('[data-testid=editor] .cm-lintRange-error').count(), { timeout: 20_000 }).toBe(0);

    await page.getByTestId('run-tests-editor').click();
    await expect.poll(() => summary.innerText(), { timeout: 90_000 }).toMatch(/All \d+ public tests pass/);
    expect(await page.locator('[data-testid^=verdict-][data-passed=false]').count()).toBe(0);
    await shot('grading-passing-light');
    expect(pageErrors).toEqual([]);
  }, 180_000);

  test('playground: 5 real nodes, crash the leader, a new leader decides', async () => {
    await page.getByTestId('nav-playground').click();
    await page.getByTestId('node-count').selectOption('5');
    await page.getByTestId('start-cluster').click();
    // Either the cluster runs, or the app says why not (and the test shows that message).
    await page.getByTestId('cluster-status').filter({ hasText: 'running' }).or(page.locator('.toast.error')).waitFor({ timeout: 60_000 });
    expect(await page.locator('.toast.error').count(), await page.locator('.toast.error').allInnerTexts().then(String)).toBe(0);
    await expect.poll(() => page.locator('[data-testid=node-list] > li').count()).toBe(5);

    // The nodes agree on S1 as leader (lowest id not suspected).
    await page.locator('[data-testid=node-1][data-leader=true]').waitFor({ timeout: 30_000 });
    await page.getByTestId('crash-1').click();
    await page.locator('[data-testid=node-1][data-down=true]').waitFor({ timeout: 30_000 });
    // The crown leaves the crashed node at once, before the survivors notice it is gone.
    expect(await page.getByTestId('node-1').getAttribute('data-leader')).toBe('false');
    // A new leader among the survivors.
    await page.locator('[data-testid^=node-][data-leader=true]:not([data-testid=node-1])').waitFor({ timeout: 20_000 });
    const newLeader = await page.locator('[data-testid^=node-][data-leader=true]').getAttribute('data-testid');
    expect(newLeader).not.toBe('node-1');

    await page.getByTestId('request-value').fill('blue');
    await page.getByTestId('send-request').click();
    const diagram = page.getByTestId('diagram');
    await expect.poll(async () => Number(await diagram.getAttribute('data-decisions')), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.getByTestId(`decided-${newLeader!.replace('node-', '')}`).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('decisions').innerText()).toContain('"blue"');
    // The diagram drew the crash and the protocol's messages.
    expect(Number(await diagram.getAttribute('data-events'))).toBeGreaterThan(10);
    await shot('playground-light');
    await setTheme('dark');
    await shot('playground-dark');
    await setTheme('light');

    // Esc closes the inspector.
    await page.getByRole('button', { name: 'Inspect S2' }).click();
    await page.getByTestId('inspector').waitFor();
    expect(await page.getByTestId('snapshot-moment').innerText()).toMatch(/^Live state, as of event #\d+\.$/);
    await page.keyboard.press('Escape');
    await page.getByTestId('inspector').waitFor({ state: 'detached', timeout: 5000 });

    // Pause freezes the view while the cluster keeps recording; Live catches up.
    await page.getByTestId('pause').click();
    const frozen = Number(await diagram.getAttribute('data-events'));
    // A node's state while paused says which moment it is: the live node now, not the playhead.
    await page.getByRole('button', { name: 'Inspect S3' }).click();
    expect(await page.getByTestId('snapshot-moment').innerText()).toMatch(/At the playhead \(#\d+\) the trace shows S3 up.*the live node now/s);
    await shot('playground-paused-snapshot');
    await page.keyboard.press('Escape');
    await page.getByTestId('restart-1').click();
    // The controls show the cluster as it is; the diagram stays frozen.
    await page.locator('[data-testid=node-1][data-down=false]').waitFor({ timeout: 30_000 });
    expect(Number(await diagram.getAttribute('data-events'))).toBe(frozen);
    await page.getByTestId('live').click();
    await expect.poll(async () => Number(await diagram.getAttribute('data-events'))).toBeGreaterThan(frozen);

    // Importing a trace while the cluster runs asks first; saying no keeps the cluster and its view.
    const rec = new TraceRecorder({ source: 'sim', nodes: [1, 2, 3], title: 'small' });
    rec.record({ type: 'client-request', t: 1, node: 1, request: 'r1', value: 'v' });
    rec.record({ type: 'decide', t: 2, node: 1, value: 'v', slot: 0 });
    const traceFile = { name: 'small.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(serializeTrace(rec.events)) };
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    await page.getByTestId('import-file').setInputFiles(traceFile);
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toMatch(/A cluster is running\. Stop it and show the trace small\.jsonl instead\?/);
    expect(await page.getByTestId('cluster-status').innerText()).toBe('running');
    expect(await page.locator('.stage-head strong').innerText()).toMatch(/^Live cluster/);

    await page.getByTestId('stop-cluster').click();
    await page.getByTestId('cluster-status').filter({ hasText: 'stopped' }).waitFor({ timeout: 30_000 });
    // With no cluster running the trace opens without a question.
    await page.getByTestId('import-file').setInputFiles(traceFile);
    await page.locator('.stage-head strong').filter({ hasText: /^Trace small/ }).waitFor({ timeout: 20_000 });
    expect(asked).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
