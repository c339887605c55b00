/**
 * `npm run bench`: runs every test/bench/*.bench.ts module in turn and prints its figures next to
 * their targets. Benchmarks measure; they never fail the test suite. Run one with
 * `npm run bench -- cluster` (a substring of the file name).
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();

const format = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(v < 1 ? 3 : 2));
let failures = 0;
for (const file of files) {
  const started = performance.now();
  process.stdout.write(`\n== ${file.replace('.bench.ts', '')}\n`);
  try {
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { bench(): Promise<Figure[]> };
    for (const f of await mod.bench()) {
      const target = f.target ? `  (target ${f.target})` : '';
      const note = f.note ? `  — ${f.note}` : '';
      process.stdout.write(`  ${f.name.padEnd(58)} ${format(f.value).padStart(12)} ${f.unit}${target}${note}\n`);
    }
  } catch (err) {
    failures++;
    process.stdout.write(`  failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  }
  process.stdout.write(`  (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
process.exitCode = failures ? 1 : 0;
