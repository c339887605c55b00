/** `paxlab trace record <lab-id> [--check]`: (re)record a lab's reference traces; --check exits 1 on drift. */
import { UsageError } from '../main.js';
import { LabError, recordLabTraces } from '../../engine/grading/index.js';

export async function run(labId: string, opts: { check?: boolean }): Promise<number> {
  let r;
  try {
    r = await recordLabTraces(labId, { check: opts.check });
  } catch (e) {
    if (e instanceof LabError) throw new UsageError(e.message);
    throw e;
  }
  for (const f of r.files) if (f.status !== 'unchanged' || !opts.check) process.stdout.write(`${f.status.padEnd(9)} ${f.file}\n`);
  if (opts.check) {
    process.stdout.write(r.drift ? `traces of ${r.lab} differ from what the reference produces; run \`paxlab trace record ${r.lab}\`\n` : `traces of ${r.lab} are up to date (${r.files.length})\n`);
    return r.drift ? 1 : 0;
  }
  return 0;
}
