/**
 * Grading in the app, in Chromium against a real `paxlab serve`: a proposer that breaks agreement
 * shows its real failing run (all five nodes, the two conflicting decides highlighted, openable full
 * size, exportable as a trace file); trace verdicts stream in while the rest runs; the lab header
 * tells the latest run from the best; Ctrl+Enter runs the tests without touching the text; and the
 * editor's list of problems belongs to the text on screen.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { parseTrace } from '../../electron/engine/trace/io.js';
import { repoRoot } from './helpers/renderer-build.js';
import { openApp, openLab, runTests, shot, typeIntoEditor, type AppSession } from './helpers/app-page.js';

let app: AppSession;
let page: Page;

const lab = (rel: string) => readFileSync(path.join(repoRoot, 'labs', rel), 'utf8');
// Its first failing scenario is split-vote: one node decides "x", another "y".
const AGREEMENT_MUTANT = lab('02-proposer/mutants/ignores-promised-values.ts');
const REFERENCE = lab('02-proposer/reference/proposer.ts');

beforeAll(async () => {
  app = await openApp();
  page = app.page;
}, 180_000);

afterAll(async () => {
  await app?.close();
}, 30_000);

const diskFile = (labId: string, name: string) => readFileSync(path.join(app.served.workspace, labId, name), 'utf8');

describe('grading in the app', () => {
  test('a proposer that breaks agreement: its failing run shows every node and the conflicting decides', async () => {
    await openLab(page, 'proposer');
    await page.getByText('TypeScript ✓').waitFor({ timeout: 30_000 });
    await typeIntoEditor(page, AGREEMENT_MUTANT);

    // The Tests tab's bar is empty before the first run.
    await page.getByTestId('tab-tests').click();
    expect(await page.getByTestId('grade-progress').getAttribute('data-pct')).toBe('0');
    const width = await page.locator('[data-testid=grade-progress] .fill').evaluate((el) => (el as HTMLElement).style.width);
    expect(width).toBe('0%');

    // Every test is listed as soon as the run starts; trace verdicts arrive while the rest runs.
    await page.getByTestId('run-tests').click();
    await page.locator('[data-testid=verdicts] .verdict').first().waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator('[data-testid^="verdict-trace:"] .icon').first().innerText(), { timeout: 20_000 }).toMatch(/[✔✘]/);
    await expect.poll(() => page.getByTestId('run-tests').innerText(), { timeout: 120_000 }).toBe('Run public tests');
    expect(await page.getByTestId('grade-summary').innerText()).toMatch(/\d+ of \d+ tests fail/);
    expect(await page.getByTestId('grade-progress').getAttribute('data-pct')).toBe('100');
    // The broken safety property leads the report, and its test is the first verdict listed.
    expect(await page.getByTestId('grade-safety').innerText()).toMatch(/Safety broken: .*agreement/);
    expect(await page.locator('[data-testid=verdicts] .verdict').first().getAttribute('data-testid')).toMatch(/^verdict-(scenario|search):/);

    const verdict = page.getByTestId('verdict-scenario:split-vote');
    expect(await verdict.getAttribute('data-passed')).toBe('false');
    if ((await verdict.locator('.row').getAttribute('aria-expanded')) !== 'true') await verdict.locator('.row').click();
    expect(await verdict.getByTestId('broken-rule').innerText()).toMatch(/scenario\.agreement/);
    const run = verdict.getByTestId('failing-run');
    const diagram = run.getByTestId('diagram');
    // The real run: five nodes (not three bare lines), hundreds of events, the two decides marked.
    expect(await diagram.getAttribute('data-nodes')).toBe('5');
    expect(Number(await diagram.getAttribute('data-events'))).toBeGreaterThan(50);
    expect(await diagram.getAttribute('data-highlights')).toBe('2');
    const marks = await run.getByTestId('trace-highlights').locator('button').allInnerTexts();
    expect(marks).toHaveLength(2);
    expect(marks.join('\n')).toMatch(/conflict: S\d decided "x"/);
    expect(marks.join('\n')).toMatch(/conflict: S\d decided "y"/);
    await expect.poll(async () => Number(await diagram.getAttribute('data-decisions'))).toBeGreaterThanOrEqual(2);
    await run.scrollIntoViewIfNeeded();
    await run.screenshot({ path: path.join(repoRoot, 'test-results', 'screenshots', 'failing-run-agreement.png') });
    await shot(page, 'grading-agreement-light');

    // Full size in the trace viewer, then the whole run exported as a trace file.
    await run.getByTestId('open-failing-run').click();
    const viewer = page.getByTestId('trace-viewer');
    await viewer.waitFor();
    const big = viewer.getByTestId('diagram');
    expect(await big.getAttribute('data-nodes')).toBe('5');
    expect(await big.getAttribute('data-highlights')).toBe('2');
    expect((await big.boundingBox())!.height).toBeGreaterThan(400);
    await shot(page, 'failing-run-full-size');
    await page.keyboard.press('Alt+t');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await shot(page, 'failing-run-full-size-dark');
    await page.keyboard.press('Alt+t');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    const download = page.waitForEvent('download');
    await viewer.getByTestId('trace-viewer-export').click();
    const file = await download;
    const seed = Number(/^proposer-scenario-split-vote-seed-(\d+)\.jsonl$/.exec(file.suggestedFilename())?.[1]);
    expect(seed).toBeGreaterThan(0);
    const saved = parseTrace(readFileSync(path.join(app.served.workspace, 'traces', file.suggestedFilename()), 'utf8'));
    expect(saved[0]).toMatchObject({ type: 'meta', nodes: [1, 2, 3, 4, 5], seed });
    expect(saved.filter((e) => e.type === 'decide').map((e) => (e as { value: string }).value)).toEqual(expect.arrayContaining(['x', 'y']));
    expect(saved[saved.length - 1]).toMatchObject({ type: 'error', message: expect.stringMatching(/^violation \(agreement\)/) });
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });

    // The search's counterexample: its steps numbered on the diagram and listed full size.
    const search = page.locator('[data-testid^="verdict-search:"][data-passed=false]').first();
    await search.locator('.row').click();
    const searchDiagram = search.getByTestId('failing-run').getByTestId('diagram');
    const stepCount = Number(await searchDiagram.getAttribute('data-steps'));
    expect(stepCount).toBeGreaterThan(3);
    expect(Number(await searchDiagram.getAttribute('data-highlights'))).toBeGreaterThan(0);
    await search.getByTestId('open-failing-run').click();
    const steps = page.getByTestId('trace-viewer').getByTestId('counterexample-steps').locator('li');
    expect(await steps.count()).toBe(stepCount);
    expect(await steps.first().innerText()).toMatch(/S\d starts a round/);
    await shot(page, 'counterexample-full-size');
    await page.getByTestId('trace-viewer-close').click();

    // The page itself never grows: grading scrolls inside the panes.
    const overflow = await page.evaluate(() => {
      const main = document.getElementById('main')!;
      return { main: main.scrollHeight - main.clientHeight, doc: document.documentElement.scrollHeight - document.documentElement.clientHeight };
    });
    expect(overflow).toEqual({ main: 0, doc: 0 });
    expect(app.pageErrors).toEqual([]);
  }, 240_000);

  test('the lab header shows the latest run, and the best run labelled as best', async () => {
    const latest = page.getByTestId('latest-score');
    expect(await latest.innerText()).toMatch(/^Latest run: [\d.]+\/30 · \d+ of \d+ tests fail$/);
    await typeIntoEditor(page, REFERENCE);
    expect(await runTests(page)).toMatch(/All \d+ public tests pass/);
    expect(await latest.innerText()).toMatch(/^Latest run: 30\/30 · all \d+ tests pass$/);
    expect(await page.getByTestId('best-score').innerText()).toBe('Best: 30/30 · passed');

    // A worse run afterwards: the header says so, and keeps the best apart.
    await typeIntoEditor(page, AGREEMENT_MUTANT);
    const summary = await runTests(page);
    const [, failed, total] = /(\d+) of (\d+) tests fail/.exec(summary)!;
    expect(await latest.innerText()).toMatch(new RegExp(`^Latest run: [\\d.]+/30 · ${failed} of ${total} tests fail$`));
    expect(await latest.innerText()).not.toMatch(/30\/30/);
    expect(await page.getByTestId('best-score').innerText()).toBe('Best: 30/30 · passed');
    await shot(page, 'lab-header-latest-and-best');
  }, 240_000);

  test('Ctrl+Enter in the editor runs the tests and inserts no newline', async () => {
    const before = diskFile('proposer', 'proposer.ts');
    await page.locator('[data-testid=editor] .cm-content').click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('run-tests').filter({ hasText: 'Running…' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByTestId('run-tests').innerText(), { timeout: 120_000 }).toBe('Run public tests');
    await page.getByTestId('save-status').filter({ hasText: /^Saved$/ }).waitFor({ timeout: 30_000 });
    expect(diskFile('proposer', 'proposer.ts')).toBe(before);
  }, 180_000);

  test('a type error is listed while it is there, and gone with the status line clean once fixed', async () => {
    const problems = page.getByTestId('problem');
    const status = page.getByTestId('ts-status');
    await expect.poll(() => problems.count(), { timeout: 20_000 }).toBe(0);
    expect(await status.innerText()).toMatch(/TypeScript ✓ no errors/);

    // A type error, typed at the end of the file: listed under the editor, counted in the status line.
    await page.locator('[data-testid=editor] .cm-content').click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.insertText('\nexport const broken: number = "not a number";');
    await expect.poll(() => problems.allInnerTexts(), { timeout: 20_000 }).toEqual([expect.stringMatching(/not assignable to type 'number'/)]);
    expect(await status.innerText()).toMatch(/TypeScript: 1 error/);
    // The host's build finds it too; the list shows the one error once.
    await page.getByTestId('build').click();
    await page.getByTestId('build').filter({ hasText: /^Build$/ }).waitFor({ timeout: 30_000 });
    await expect.poll(() => problems.count(), { timeout: 20_000 }).toBe(1);
    await shot(page, 'editor-type-error');

    // Fixed: the live error and the build's go, and the status line is clean.
    await page.locator('[data-testid=editor] .cm-content').click();
    await page.keyboard.press('ControlOrMeta+End');
    for (let i = 0; i < '"not a number";'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.insertText('42;');
    await expect.poll(() => problems.count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => status.innerText(), { timeout: 20_000 }).toMatch(/TypeScript ✓ no errors/);
    expect(await page.locator('[data-testid=editor] .cm-lintRange-error').count()).toBe(0);

    // Back to the broken version and Reset: the starter's text carries none of the old diagnostics.
    await page.keyboard.press('ControlOrMeta+End');
    for (let i = 0; i < '42;'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.insertText('"x";');
    await expect.poll(() => problems.count(), { timeout: 20_000 }).toBe(1);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByTestId('toast').filter({ hasText: /Starter restored; your previous code is in proposer\.ts\.\d+\.bak/ }).waitFor();
    await expect.poll(() => page.locator('[data-testid=problem].error').count(), { timeout: 20_000 }).toBe(0);
    expect(await page.locator('[data-testid=editor] .cm-lintRange-error').count()).toBe(0);
    const backups = readdirSync(path.join(app.served.workspace, 'proposer')).filter((f) => /^proposer\.ts\.\d+\.bak$/.test(f));
    expect(backups.length).toBeGreaterThan(0);
    await shot(page, 'editor-after-fix');
    expect(app.pageErrors).toEqual([]);
  }, 120_000);
});
