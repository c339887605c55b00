/**
 * One submission's grader, as a process of its own (bundled to dist/grade-child.js; started by
 * grade-class.ts). Whatever happens to it — a crash, a stop, an exhausted machine — the class run
 * that started it records that row and goes on. Prints the GradeReport as JSON on fd 3.
 */
import { writeSync } from 'node:fs';
import { gradeModule } from './grade.js';

export interface GradeChildRequest {
  lab: string;
  module: string;
  root: string;
  hidden: boolean;
}

async function main(): Promise<void> {
  const req = JSON.parse(process.argv[2] ?? '{}') as GradeChildRequest;
  const report = await gradeModule(req.lab, req.module, { hidden: req.hidden, root: req.root });
  const buf = Buffer.from(JSON.stringify(report) + '\n');
  for (let off = 0; off < buf.length; ) off += writeSync(3, buf, off);
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`grader failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(70);
});
