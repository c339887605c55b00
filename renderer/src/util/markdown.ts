/**
 * Lab instructions: Markdown → HTML with highlight.js (bundled, a few languages only), then
 * sanitized by DOMPurify, because a lab pack is content from outside the app.
 */
import DOMPurify from 'dompurify';
import { markdownToHtml } from './markdown-html.js';

export function renderMarkdown(source: string): string {
  return DOMPurify.sanitize(markdownToHtml(source), { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input'] });
}
