/**
 * Every chapter's pinned executions on real node processes, through the hub over real TCP: the
 * naive protocol and the fix give the same trace as in the simulator (modulo wall-clock time), so
 * the symptom a checker names in the simulator is the one the real cluster shows.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { PaxosNodeClass } from '@paxlab/sdk';
import { buildStudentModule } from '../../electron/engine/build/index.js';
import { judgePinned, listChapters, loadChapter } from '../../electron/engine/chapters/index.js';
import { firstDifference, runPinnedSim } from '../../electron/engine/pinned/index.js';
import { runPinnedCluster } from '../../electron/engine/pinned/cluster-runner.js';
import type { NodeProgram } from '../../electron/engine/cluster/node-config.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'paxlab-chapters-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The node module as a node process loads it: one ES module with the SDK bundled in. The starter —
 * the file a student edits — goes through the student build (imports, type check, the Node export).
 */
async function bundle(file: string, name: string, student: boolean): Promise<NodeProgram> {
  if (!student) {
    const out = path.join(dir, `${name}.mjs`);
    await build({ entryPoints: [file], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error' });
    return { module: out };
  }
  const out = path.join(dir, `${name}.js`);
  const built = await buildStudentModule(file, { exportName: 'Node' });
  expect(built.ok, JSON.stringify(built.diagnostics)).toBe(true);
  if (built.ok) writeFileSync(out, built.code);
  return { studentNode: out };
}

for (const summary of listChapters()) {
  describe(`${summary.id} on real processes`, () => {
    const pack = loadChapter(summary.id);
    for (const which of ['starter', 'reference'] as const) {
      test(`the ${which === 'starter' ? 'naive protocol' : 'fix'}: each pinned execution gives the simulator's trace`, async () => {
        const file = which === 'starter' ? pack.starterPath : pack.referencePath;
        const cls = ((await import(pathToFileURL(file).href)) as { Node: PaxosNodeClass<any> }).Node;
        const program = await bundle(file, `${pack.id}-${which}`, which === 'starter');
        for (const script of pack.scripts.values()) {
          const sim = runPinnedSim(script, cls);
          const real = await runPinnedCluster(script, program);
          expect(real.error, script.name).toEqual(sim.error);
          const diff = firstDifference(sim.trace, real.trace);
          expect(diff?.message ?? null, `${script.name}`).toBeNull();
          expect(real.trace[0]).toMatchObject({ source: 'cluster' });
          // The real run breaks (or holds) the way the simulated one does.
          for (const t of pack.tests) {
            if (t.kind !== 'pinned' || t.script !== script.name) continue;
            expect(judgePinned(real, t).map((v) => [v.check, v.ok, v.symptom])).toEqual(judgePinned(sim, t).map((v) => [v.check, v.ok, v.symptom]));
          }
        }
      }, 120_000);
    }
  });
}
