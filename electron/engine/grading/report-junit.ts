/** JUnit XML for CI dashboards: one testsuite per lab, one testcase per test; hidden tests name only their rule. */
import { formatDiagnostic } from '../build/diagnostics.js';
import { cleanText } from './clean-text.js';
import type { GradeReport } from './grade.js';
import { redactHidden } from './report-redact.js';
import { formatTestFailure } from './report-text.js';

/** Escape text for XML content and attributes, dropping characters XML 1.0 cannot hold. */
export function xmlEscape(s: string): string {
  return cleanText(s)
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

export function toJUnitXml(report: GradeReport): string {
  const r = redactHidden(report);
  const a = (s: string) => xmlEscape(s);
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  if (r.status !== 'graded') {
    errors = 1;
    const detail = r.status === 'build-error' ? r.diagnostics.map(formatDiagnostic).join('\n') : `${r.loadError?.message ?? ''}\n${r.loadError?.stack ?? ''}`;
    const message = r.status === 'build-error' ? 'the module does not build' : 'the module does not load';
    cases.push(`    <testcase classname="${a(r.lab.id)}" name="${r.status === 'build-error' ? 'build' : 'load'}" time="0">\n      <error message="${a(message)}" type="${r.status}">${a(detail)}</error>\n    </testcase>`);
  }
  for (const t of r.tests) {
    const head = `    <testcase classname="${a(`${r.lab.id}.${t.kind}.${t.set}`)}" name="${a(t.name)}" time="${secs(t.durationMs)}">`;
    if (t.passed) {
      cases.push(`${head}</testcase>`);
      continue;
    }
    failures++;
    const f = t.failure!;
    cases.push(`${head}\n      <failure message="${a(f.message)}" type="${a(f.rule.id)}">${a(formatTestFailure(t).join('\n'))}</failure>\n    </testcase>`);
  }
  const tests = cases.length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="paxlab" tests="${tests}" failures="${failures}" errors="${errors}" time="${secs(r.durationMs)}">`,
    `  <testsuite name="${a(r.lab.id)}" tests="${tests}" failures="${failures}" errors="${errors}" time="${secs(r.durationMs)}">`,
    `    <properties><property name="score" value="${r.score}"/><property name="max_score" value="${r.maxScore}"/></properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
