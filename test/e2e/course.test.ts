/**
 * The course player in Chromium against a real `paxlab serve`, walked as a student would: the
 * course lists chapters 0–9; chapter 4's frame, a prediction, the break (the naive protocol on real
 * node processes: both clients hold the lock, the events ringed in the diagram and the operation
 * marked in the clients' history), narration stepping by button and key, the fix typed into the
 * editor (only the handler's body is editable: typing on a read-only line changes nothing; a file
 * that lost the handler is editable whole), the rerun passing, and the progress kept. Then a seed story from chapter 9, reached from
 * a role lab's instructions, and its Break, whose nine ringed events scroll beside the narration.
 * Screenshots of each step go to test-results/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { repoRoot } from './helpers/renderer-build.js';
import { openApp, shot, typeIntoHandler, type AppSession } from './helpers/app-page.js';
import { findHandlerRegion, handlerBodyLines } from '../../renderer/src/editor/handler-region.js';

let app: AppSession;
let page: Page;
const CHAPTER_4 = path.join(repoRoot, 'labs/chapter-4-wait-for-learn');
const STARTER = readFileSync(path.join(CHAPTER_4, 'starter/node.ts'), 'utf8');
const REFERENCE = readFileSync(path.join(CHAPTER_4, 'reference/node.ts'), 'utf8');
/** The lines of a text's handler body (between the brace lines), as Ctrl+A in the body selects them. */
const bodyLines = (text: string) => handlerBodyLines(text, findHandlerRegion(text, 'onClientRequest')!);
/** What the student types: the reference's handler body; and the file it makes, the starter with that body. */
const FIX_BODY = REFERENCE.slice(bodyLines(REFERENCE).from, bodyLines(REFERENCE).to);
const FIXED = STARTER.slice(0, bodyLines(STARTER).from) + FIX_BODY + STARTER.slice(bodyLines(STARTER).to);

beforeAll(async () => {
  app = await openApp();
  page = app.page;
}, 180_000);

afterAll(async () => {
  await app?.close();
}, 30_000);

const attr = async (l: Locator, name: string) => (await l.getAttribute(name)) ?? '';
/** Whether the element lies wholly inside the window (not scrolled away). */
const onScreen = (l: Locator) => l.evaluate((el) => {
  const r = el.getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
});

describe('the course player', () => {
  test('chapter 4 as a student: predict, watch the break, type the fix, rerun, pass', async () => {
    // The course comes first in the navigation and lists every chapter.
    const nav = page.locator('nav[aria-label=Main] button').first();
    expect(await nav.innerText()).toBe('Course');
    await nav.click();
    await page.getByTestId('chapter-list').waitFor();
    await expect.poll(() => page.locator('[data-testid^=chapter-card-]').count(), { timeout: 30_000 }).toBe(10);
    for (let n = 0; n <= 9; n++) await page.getByTestId(`chapter-card-chapter-${n}`).waitFor();
    expect(await page.getByTestId('chapter-card-chapter-4').innerText()).toMatch(/Not started/);
    await shot(page, 'course-1-chapters');

    // Frame: its text and its cluster.
    await page.getByTestId('chapter-card-chapter-4').click();
    const player = page.getByTestId('chapter-player');
    await expect.poll(() => attr(player, 'data-stage')).toBe('frame');
    await page.getByTestId('frame-text').waitFor();
    expect((await page.getByTestId('frame-text').innerText()).length).toBeGreaterThan(40);
    expect(await page.locator('[data-testid=frame-diagram] rect').count()).toBe(4); // S1, S2, c1, c2
    // Break waits for a prediction.
    expect(await page.getByTestId('stage-break').isDisabled()).toBe(true);
    await shot(page, 'course-2-frame');

    // Predict.
    await page.getByTestId('to-predict').click();
    await page.getByTestId('predict-question').waitFor();
    expect(await page.getByTestId('commit-prediction').isDisabled()).toBe(true);
    await page.getByTestId('predict-granted').check();
    await shot(page, 'course-3-predict');
    await page.getByTestId('commit-prediction').click();
    await expect.poll(() => attr(player, 'data-stage')).toBe('break');

    // Break: the naive protocol on real nodes; both clients hold the lock.
    await page.getByTestId('run-break').click();
    const lin = page.locator('[data-testid=break-checks] [data-check=linearizable]');
    await lin.waitFor({ timeout: 60_000 });
    expect(await attr(lin, 'data-ok')).toBe('false');
    expect(await attr(lin, 'data-symptom')).toBe('lock-held-twice');
    expect(await lin.innerText()).toMatch(/two clients hold the lock at once/);
    expect(await attr(page.getByTestId('prediction-verdict'), 'data-right')).toBe('true');
    const run = page.getByTestId('break-run');
    // The offending events are ringed in the diagram and listed beside it …
    const diagram = run.getByTestId('diagram');
    expect(Number(await attr(diagram, 'data-highlights'))).toBeGreaterThanOrEqual(2);
    expect(await run.locator('[data-testid=run-highlights] button').count()).toBeGreaterThanOrEqual(2);
    // … and the clients' history is judged: the second acquire cannot follow the first.
    await expect.poll(() => run.getByTestId('history-verdict').innerText(), { timeout: 30_000 }).toBe('not linearizable');
    expect(await run.locator('[data-testid^=history-op-][data-stuck=true]').count()).toBe(1);

    // Narration: each step moves the diagram and shows the run up to its events.
    expect(await attr(run, 'data-step')).toBe('1');
    const firstLimit = Number(await attr(run, 'data-limit'));
    const total = Number(await attr(diagram, 'data-events'));
    await run.getByTestId('narration-next').click();
    expect(await attr(run, 'data-step')).toBe('2');
    expect(Number(await attr(run, 'data-limit'))).toBeGreaterThan(firstLimit);
    await page.locator('body').focus();
    await page.keyboard.press('n');
    expect(await attr(run, 'data-step')).toBe('3');
    await page.keyboard.press('p');
    expect(await attr(run, 'data-step')).toBe('2');
    // Step one event back with the keyboard, and scrub to the end.
    const before = Number(await attr(run, 'data-limit'));
    await page.keyboard.press(',');
    expect(Number(await attr(run, 'data-limit'))).toBe(before - 1);
    const steps = await run.locator('[data-testid^=narration-step-]').count();
    await run.getByTestId(`narration-step-${steps}`).click();
    expect(await attr(run, 'data-step')).toBe(String(steps));
    expect(Number(await attr(run, 'data-limit'))).toBeGreaterThanOrEqual(total);
    await run.getByTestId('course-scrub').fill('3');
    expect(await attr(run, 'data-limit')).toBe('3');
    await run.getByTestId(`narration-step-${steps}`).click();
    await page.getByTestId('prediction-verdict').scrollIntoViewIfNeeded();
    await shot(page, 'course-4-break');

    // Fix: type the fix into the editor, rerun the same execution with it.
    await page.getByTestId('to-fix').click();
    await expect.poll(() => attr(player, 'data-stage')).toBe('fix');
    await page.locator('[data-testid=editor] .cm-content').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('handler-types').innerText()).toMatch(/ClientRequest/);
    // The editor opens at the handler without scrolling the page away: the handler's line, the
    // steps and the Rerun button are all on screen (the editor scrolls inside).
    await expect.poll(() => page.locator('[data-testid=editor] .cm-activeLine').innerText()).toMatch(/^\s*onClientRequest\(/);
    for (const l of [page.locator('[data-testid=editor] .cm-activeLine'), page.getByTestId('run-fix'), page.getByTestId('stage-fix')]) {
      expect(await onScreen(l)).toBe(true);
    }
    // Only the handler's body is editable: the pane says so, the rest is dimmed, and typing on a
    // read-only line (the handler's own signature line) changes nothing.
    expect(await page.getByTestId('editable-note').innerText()).toMatch(/Only the body of onClientRequest is editable/);
    const disk = path.join(app.served.workspace, 'chapter-4', 'node.ts');
    expect(readFileSync(disk, 'utf8')).toBe(STARTER);
    const signature = page.locator('[data-testid=editor] .cm-readonly-line').filter({ hasText: /^\s*onClientRequest\(/ });
    const signatureText = await signature.innerText();
    const opacity = (l: Locator) => l.evaluate((el) => Number(getComputedStyle(el).opacity));
    expect(await page.locator('[data-testid=editor] .cm-handler-line').count()).toBeGreaterThan(2);
    expect(await opacity(signature)).toBeLessThan(1);
    expect(await opacity(page.locator('[data-testid=editor] .cm-handler-line').first())).toBe(1);
    await signature.click({ position: { x: 4, y: 4 } }); // at the line's start, before the handler's `{`
    await page.keyboard.type('zzz');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Backspace');
    expect(await signature.innerText()).toBe(signatureText);
    expect(await page.getByTestId('save-status').innerText()).toBe('Saved');
    await typeIntoHandler(page, FIX_BODY);
    await shot(page, 'course-5-fix-typed');
    await page.getByTestId('run-fix').click();
    const verdict = page.getByTestId('fix-verdict');
    await verdict.waitFor({ timeout: 60_000 });
    expect(await attr(verdict, 'data-passed')).toBe('true');
    expect(await verdict.locator('[data-ok=false]').count()).toBe(0);
    expect(await page.getByTestId('fix-run').locator('[data-testid=run-highlights]').count()).toBe(0);
    await expect.poll(() => page.getByTestId('fix-run').getByTestId('history-verdict').innerText(), { timeout: 30_000 }).toBe('linearizable');
    // The student's file is what ran: it is on disk in the workspace.
    expect(readFileSync(disk, 'utf8')).toBe(FIXED);
    // Then the lab grading path for chapter-4: the chapter's pinned, random and search tests, all passed.
    const grading = page.getByTestId('fix-grading');
    await grading.waitFor({ timeout: 30_000 });
    await grading.getByTestId('grade-summary').waitFor({ timeout: 180_000 });
    expect(await page.getByTestId('fix-grade-error').count()).toBe(0);
    expect(await grading.getByTestId('grade-summary').innerText()).toMatch(/All \d+ public tests pass/);
    await verdict.scrollIntoViewIfNeeded();
    await shot(page, 'course-6-fix-passes');
    await grading.scrollIntoViewIfNeeded();
    await shot(page, 'course-6b-fix-grading');
    // The file changed elsewhere without the handler: reloaded, editable whole, and the pane says
    // why; with the handler back, the restriction is back.
    writeFileSync(disk, FIXED.replace('  onClientRequest(r: ClientRequest)', '  onRequest(r: ClientRequest)'));
    await expect.poll(() => page.getByTestId('handler-missing').innerText().catch(() => ''), { timeout: 20_000 }).toBe(
      'onClientRequest was not found in your file: the whole file is editable.',
    );
    expect(await page.locator('[data-testid=editor] .cm-readonly-line').count()).toBe(0);
    writeFileSync(disk, FIXED);
    await page.getByTestId('editable-note').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid=editor] .cm-readonly-line').count()).toBeGreaterThan(0);

    // The progress is kept (in the workspace): reload and look at the course.
    await page.reload();
    await page.getByTestId('connection').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
    await page.evaluate(() => (location.hash = '#/course'));
    const card = page.getByTestId('chapter-card-chapter-4');
    await card.waitFor();
    for (const s of ['predict', 'break', 'fix']) expect(await attr(page.getByTestId(`chapter-chapter-4-${s}`), 'data-done')).toBe('true');
    expect(await attr(page.getByTestId('chapter-chapter-4-play'), 'data-done')).toBe('false');
    expect(await card.getByTestId('chapter-badge').innerText()).toBe('Fixed');
    await shot(page, 'course-7-progress');

    // Play: the chapter's own cluster (two servers, the student's file) in the playground, a crash there.
    await card.click();
    await page.getByTestId('stage-play').click();
    await page.getByTestId('play-student').check();
    await page.getByTestId('play-cluster').click();
    await page.getByTestId('node-list').waitFor({ timeout: 30_000 });
    await page.getByTestId('node-2').waitFor();
    expect(await page.getByTestId('node-3').count()).toBe(0);
    // The setup bar names the chapter's cluster; protocol, size and role choices mean nothing for it.
    const named = page.getByTestId('chapter-cluster');
    await named.waitFor({ timeout: 30_000 });
    expect(await named.innerText()).toBe('Chapter 4 · your file · 2 servers');
    for (const id of ['protocol', 'node-count', 'client-count']) expect(await page.getByTestId(id).count()).toBe(0);
    expect(await page.locator('select[aria-label$=" code"]').count()).toBe(0);
    await expect.poll(() => page.getByTestId('diagram').getAttribute('data-events').then(Number), { timeout: 20_000 }).toBeGreaterThan(3);
    // Its clients' figures and the engine's live verdict, as for a Multi-Paxos service. (Which
    // verdict is the run's: chapter 4's node runs alone once it suspects its peer, and on a busy
    // machine a slow peer is suspected.)
    await page.getByTestId('clients-panel').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('live-verdict').getAttribute('data-verdict'), { timeout: 60_000 }).toMatch(/^(ok|illegal|unknown)$/);
    expect(await page.getByTestId('live-verdict').innerText()).toMatch(/[1-9]\d* of \d+ operations judged/);
    // A decision is named as the command it executes, not as its JSON.
    await expect.poll(() => page.locator('[data-testid^=decided-]').first().innerText().catch(() => ''), { timeout: 20_000 }).toMatch(/^✓ (acquire|release) \S+$/);
    await page.getByTestId('crash-2').click();
    await expect.poll(() => page.getByTestId('node-2').getAttribute('data-down'), { timeout: 30_000 }).toBe('true');
    await shot(page, 'course-8-play');
    await page.getByTestId('stop-cluster').click().catch(() => {});
    // Stopped, the bar is the playground's own again.
    await page.getByTestId('protocol').waitFor({ timeout: 30_000 });
    expect(await named.count()).toBe(0);
    await page.evaluate(() => (location.hash = '#/course'));
    await expect.poll(() => attr(page.getByTestId('chapter-chapter-4-play'), 'data-done'), { timeout: 20_000 }).toBe('true');
    expect(app.pageErrors).toEqual([]);
  }, 420_000);

  test("a seed story from chapter 9, reached from the acceptor lab's instructions, told with narration; its Break's many marks scroll", async () => {
    await page.evaluate(() => (location.hash = '#/lab/acceptor'));
    const link = page.locator('[data-testid=instructions] a[href^="#/course/chapter-9"]').first();
    await link.waitFor({ timeout: 20_000 });
    await link.click();
    const player = page.getByTestId('chapter-player');
    await expect.poll(() => attr(player, 'data-stage')).toBe('play');
    await page.getByTestId('story-example-1-no-prior-votes').click();
    const story = page.getByTestId('story-run');
    await story.waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('story-reproduced').innerText()).toBe('told as the course tells it');
    // The whole story is there (87 events); the first narration step shows it up to its own events.
    const all = Number(await attr(story.getByTestId('course-scrub'), 'max'));
    expect(all).toBeGreaterThan(20);
    const first = Number(await attr(story.getByTestId('diagram'), 'data-events'));
    expect(first).toBeLessThan(all);
    await story.getByTestId('narration-next').click();
    expect(await attr(story, 'data-step')).toBe('2');
    expect(Number(await attr(story.getByTestId('diagram'), 'data-events'))).toBeGreaterThan(first);
    await shot(page, 'course-9-story');

    // Chapter 9's Break rings nine events: their list scrolls beside the narration instead of
    // pushing the diagram down (the narration is at most 11em).
    await page.getByTestId('stage-predict').click();
    await page.locator('[data-testid^=predict-]:not([data-testid=predict-question])').first().check();
    await page.getByTestId('commit-prediction').click();
    await page.getByTestId('run-break').click();
    const broken = page.getByTestId('break-run');
    await broken.waitFor({ timeout: 60_000 });
    expect(await broken.locator('[data-testid=run-highlights] button').count()).toBeGreaterThan(5);
    const heights = await broken.evaluate((el) => ({
      top: el.querySelector('.top')!.getBoundingClientRect().height,
      em: parseFloat(getComputedStyle(el).fontSize),
    }));
    expect(heights.top).toBeLessThanOrEqual(12 * heights.em);
    expect(app.pageErrors).toEqual([]);
  }, 120_000);
});
