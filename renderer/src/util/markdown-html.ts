/**
 * Lab Markdown → HTML with highlight.js (bundled, a few languages only). No DOM here, so it runs
 * (and is tested) outside the browser; `markdown.ts` sanitizes what it returns.
 */
import MarkdownIt from 'markdown-it';
import hljs from 'highlight.js/lib/core';
import typescript from 'highlight.js/lib/languages/typescript';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import bash from 'highlight.js/lib/languages/bash';
import plaintext from 'highlight.js/lib/languages/plaintext';

hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('ts', typescript);
hljs.registerLanguage('javascript', javascript);
hljs.registerLanguage('js', javascript);
hljs.registerLanguage('json', json);
hljs.registerLanguage('bash', bash);
hljs.registerLanguage('sh', bash);
hljs.registerLanguage('text', plaintext);
// A fence without a language (or with one not bundled) is shown as plain text.
hljs.registerLanguage('plaintext', plaintext);

const md = new MarkdownIt({
  html: false,
  linkify: true,
  typographer: true,
  highlight(code, lang) {
    const language = lang && hljs.getLanguage(lang) ? lang : 'plaintext';
    const html = hljs.highlight(code, { language, ignoreIllegals: true }).value;
    return `<pre class="hljs"><code class="language-${language}">${html}</code></pre>`;
  },
});

/** Lab Markdown as HTML, highlighted, NOT sanitized: renderMarkdown sanitizes it. */
export function markdownToHtml(source: string): string {
  return md.render(source);
}
