/** Writes each failing run of a grade report as a trace file (JSON lines) into a folder. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { GradeReport } from '../grading/grade.js';
import { writeTrace } from '../trace/io.js';
import { failingRunFileName, failingRunOf } from './of-result.js';

export interface WrittenRun {
  test: string;
  file: string;
  events: number;
}

export function writeFailingRuns(dir: string, report: GradeReport): WrittenRun[] {
  const written: WrittenRun[] = [];
  for (const r of report.tests) {
    const run = failingRunOf(r);
    if (!run) continue;
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, failingRunFileName(report.lab.id, r, run.seed));
    writeTrace(file, run.events);
    written.push({ test: r.id, file, events: run.events.length });
  }
  return written;
}
