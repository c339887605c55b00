/** One Chromium page on a fresh `paxlab serve`, and small steps the e2e tests share. */
import path from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureFreshRenderer } from './renderer-build.js';
import { startServe, type Served } from './serve.js';
import { launch, SCREENSHOTS, type Browser } from './browser.js';

export interface AppSession {
  served: Served;
  browser: Browser;
  page: Page;
  /** Uncaught errors of every page opened through `openPage`. */
  pageErrors: string[];
  openPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function openApp(): Promise<AppSession> {
  await ensureFreshRenderer();
  const served = await startServe();
  const browser = await launch();
  const pageErrors: string[] = [];
  const openPage = async () => {
    const p = await browser.context.newPage();
    p.on('pageerror', (e) => pageErrors.push(e.message));
    await p.goto(served.url);
    await p.getByTestId('connection').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
    return p;
  };
  const page = await openPage();
  return {
    served,
    browser,
    page,
    pageErrors,
    openPage,
    async close() {
      await browser.close();
      await served.stop();
    },
  };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Open a lab from the catalog and wait for its editor. */
export async function openLab(page: Page, labId: string): Promise<void> {
  await page.evaluate((id) => (location.hash = `#/lab/${id}`), labId);
  await page.locator('[data-testid=editor] .cm-content').waitFor({ timeout: 20_000 });
}

/** Replace the editor's whole text as a student would (select all, type), and wait until it is saved. */
export async function typeIntoEditor(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid=editor] .cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
  await page.getByTestId('save-status').filter({ hasText: /^Saved$/ }).waitFor({ timeout: 60_000 });
}

/**
 * Replace the handler's body as a student would in the course's Fix step: click a line of the
 * body, select all (which there selects the body's lines), delete, type; wait until it is saved.
 */
export async function typeIntoHandler(page: Page, body: string): Promise<void> {
  await page.locator('[data-testid=editor] .cm-handler-line').first().click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(body);
  await page.getByTestId('save-status').filter({ hasText: /^Saved$/ }).waitFor({ timeout: 60_000 });
}

export async function editorText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll('[data-testid=editor] .cm-line')].map((l) => (l as HTMLElement).innerText);
    return lines.join('\n');
  });
}

/** Run the public tests with the button and wait for the summary of this run. */
export async function runTests(page: Page, timeout = 120_000): Promise<string> {
  await page.getByTestId('run-tests-editor').click();
  await page.getByTestId('run-tests').filter({ hasText: 'Running…' }).or(page.getByTestId('grade-summary')).first().waitFor();
  await expect.poll(() => page.getByTestId('run-tests').innerText(), { timeout }).toBe('Run public tests');
  return page.getByTestId('grade-summary').innerText();
}
