// `paxlab lab check`'s text report says what the lab has: a lab graded by service tests or
// scenarios alone has no recorded traces, and its reference passes tests, not "every trace".
import { describe, expect, it } from 'vitest';
import { formatLabCheck } from '../../electron/cli/commands/lab-check.js';
import type { LabCheckReport } from '../../electron/engine/grading/index.js';

const report = (files: LabCheckReport['traces']['files']): LabCheckReport => ({
  lab: 'kv-service',
  ok: true,
  problems: [],
  traces: { lab: 'kv-service', files, drift: false },
  coverage: { rules: 27, uncovered: [] },
  reference: { passed: true, failed: [], score: 30, maxScore: 30 },
  starter: { builds: true, failed: 16, total: 16, reasons: ['kv-service.history.complete'], failures: [] },
  mutants: [],
  killRate: 1,
});

describe('lab check report', () => {
  it('a lab without recorded traces: none recorded; rules exercised by tests; the reference passes every test', () => {
    const text = formatLabCheck(report([]));
    expect(text).toContain('  traces: none recorded\n');
    expect(text).toContain('  rules: 27, each exercised by a test\n');
    expect(text).toContain('  reference: passes every test\n');
    expect(text).not.toMatch(/0 recorded|every trace/);
  });

  it('a lab with traces still says whether they equal a fresh recording', () => {
    const text = formatLabCheck(report([{ file: 'public/a.jsonl', status: 'unchanged' }] as LabCheckReport['traces']['files']));
    expect(text).toContain('  traces: 1 recorded, all equal to a fresh recording\n');
  });
});
