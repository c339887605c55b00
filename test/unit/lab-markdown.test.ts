// Every lab pack's Markdown (instructions, the course's chapter texts) renders as the app renders
// it: a fence without a language, or with one the app does not bundle, is plain text, not a thrown
// error that leaves the lab view blank.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownToHtml } from '../../renderer/src/util/markdown-html.js';

const labs = path.resolve(import.meta.dirname, '../../labs');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : markdownFiles(p);
    return d.name.endsWith('.md') ? [p] : [];
  });
}

describe('lab Markdown in the app', () => {
  it('a fence without a language or with an unknown one is shown as plain text', () => {
    const html = markdownToHtml('```\nslot 1: m1\n```\n\n```cobol\nDISPLAY "x".\n```\n');
    expect(html).toContain('slot 1: m1');
    expect(html).toContain('DISPLAY');
    expect(html).toContain('language-plaintext');
  });

  const files = markdownFiles(labs).filter((f) => existsSync(f));
  it.each(files.map((f) => [path.relative(labs, f)]))('%s renders', (rel) => {
    const text = readFileSync(path.join(labs, rel), 'utf8');
    const html = markdownToHtml(text);
    expect(html.length).toBeGreaterThan(text.length / 4);
  });
});
