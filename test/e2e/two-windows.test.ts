/**
 * Two windows on one lab file, in Chromium against one real `paxlab serve`: a save in one window
 * reaches the other; when both edit at once, the save that comes second is refused and that window
 * asks, keeping its text; "keep mine" saves it and keeps the other window's text as a backup. Nothing
 * typed in either window is lost, in either direction.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openApp, openLab, shot, typeIntoEditor, type AppSession } from './helpers/app-page.js';

let app: AppSession;
let one: Page;
let two: Page;

beforeAll(async () => {
  app = await openApp();
  one = app.page;
  two = await app.openPage();
}, 180_000);

afterAll(async () => {
  await app?.close();
}, 30_000);

const onDisk = () => readFileSync(path.join(app.served.workspace, 'acceptor', 'acceptor.ts'), 'utf8');
const backups = () =>
  readdirSync(path.join(app.served.workspace, 'acceptor'))
    .filter((f) => /^acceptor\.ts\.\d+\.bak$/.test(f))
    .map((f) => readFileSync(path.join(app.served.workspace, 'acceptor', f), 'utf8'));
const shows = (page: Page, text: string) => page.locator('[data-testid=editor] .cm-content').innerText().then((t) => t.includes(text));

describe('two windows on one file', () => {
  test('a save in one window reaches the other, and a conflicting save is refused, asked about, and loses nothing', async () => {
    await openLab(one, 'acceptor');
    await openLab(two, 'acceptor');
    await one.bringToFront();

    // Window one saves; window two, with nothing unsaved, is told and shows the new text.
    const first = '// saved in window one\nexport class Acceptor {}\n';
    await typeIntoEditor(one, first);
    expect(onDisk()).toBe(first);
    await two.getByTestId('toast').filter({ hasText: /saved in another window or editor — reloaded/ }).waitFor({ timeout: 20_000 });
    await expect.poll(() => shows(two, '// saved in window one'), { timeout: 20_000 }).toBe(true);
    expect(await two.getByTestId('save-status').innerText()).toBe('Saved');

    // Both edit at once: window two types (its autosave is half a second away) while window one
    // saves right away. Whichever save lands second is refused and its window asks.
    const textOne = '// window one, second edit\nexport class Acceptor {}\n';
    const textTwo = '// window two, its own edit\nexport class Acceptor {}\n';
    // Each window has the focus while its student types, as two real windows would.
    await two.bringToFront();
    await two.locator('[data-testid=editor] .cm-content').click();
    await two.keyboard.press('ControlOrMeta+a');
    await two.keyboard.insertText(textTwo);
    await one.bringToFront();
    await one.locator('[data-testid=editor] .cm-content').click();
    await one.keyboard.press('ControlOrMeta+a');
    await one.keyboard.insertText(textOne);
    await one.keyboard.press('ControlOrMeta+s');

    const conflicted = await Promise.race([
      one.getByTestId('conflict').waitFor({ timeout: 20_000 }).then(() => 'one' as const),
      two.getByTestId('conflict').waitFor({ timeout: 20_000 }).then(() => 'two' as const),
    ]);
    const [loser, winner, loserText, winnerText] = conflicted === 'two' ? [two, one, textTwo, textOne] : [one, two, textOne, textTwo];
    // The other window's save stands; the refused window still holds its own text, unsaved.
    await new Promise((r) => setTimeout(r, 1500));
    expect(onDisk()).toBe(winnerText);
    expect(await shows(loser, loserText.split('\n')[0])).toBe(true);
    expect(await shows(winner, winnerText.split('\n')[0])).toBe(true);
    expect(await loser.getByTestId('save-status').innerText()).toMatch(/Not saved: changed elsewhere/);
    await shot(loser, 'two-windows-conflict');

    // "Keep mine": its text is saved, the other one kept as a numbered backup, and the winner reloads.
    await loser.bringToFront();
    await loser.getByTestId('keep-mine').click();
    await loser.getByTestId('toast').filter({ hasText: /Your version is saved; the other one is kept in acceptor\.ts\.\d+\.bak/ }).waitFor({ timeout: 20_000 });
    await expect.poll(onDisk, { timeout: 20_000 }).toBe(loserText);
    expect(backups()).toContain(winnerText);
    await expect.poll(() => shows(winner, loserText.split('\n')[0]), { timeout: 20_000 }).toBe(true);
    expect(await loser.getByTestId('conflict').count()).toBe(0);
    await shot(winner, 'two-windows-reloaded');
    expect(app.pageErrors).toEqual([]);
  }, 120_000);
});
