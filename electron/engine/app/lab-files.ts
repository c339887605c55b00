import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../api.js';
import { LabError, listLabs, loadLab } from '../labs/index.js';
import type { LabPack, LabPackSummary, LabsPort } from './ports.js';

/** The course position of a pack from its folder name (`02-proposer` → 2). */
function orderOf(dir: string): number {
  const m = /^(\d+)/.exec(path.basename(dir));
  return m ? Number(m[1]) : 1000;
}

/** Lab packs as the app shows them, read through the engine's lab loader. */
export const engineLabs: LabsPort = {
  async list(): Promise<LabPackSummary[]> {
    const labs = await listLabs();
    return labs.map((l) => ({ id: l.id, title: l.title, role: l.role, points: l.points, order: orderOf(l.dir) }));
  },

  async load(labId: string): Promise<LabPack> {
    let pack;
    try {
      pack = await loadLab(labId);
    } catch (err) {
      if (err instanceof LabError && /no lab with id/.test(err.message)) throw new ApiError('not-found', err.message);
      throw err;
    }
    const publicDir = pack.traceDir('public');
    const traceNames = existsSync(publicDir) ? (await readdir(publicDir)).filter((f) => f.endsWith('.jsonl')).sort() : [];
    return {
      id: pack.id,
      title: pack.manifest.title,
      role: pack.manifest.role,
      points: pack.manifest.points,
      order: orderOf(pack.dir),
      instructions: await readFile(pack.instructionsPath, 'utf8'),
      // The student's file takes the starter's name (e.g. acceptor.ts).
      files: [{ name: path.basename(pack.starterPath), starter: await readFile(pack.starterPath, 'utf8') }],
      publicTraces: await Promise.all(
        traceNames.map(async (name) => ({ name, text: await readFile(path.join(publicDir, name), 'utf8') })),
      ),
    };
  },
};
