import { afterEach, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkLab, loadLab, recordLabTraces } from '../../electron/engine/grading/index.js';
import { labsDir } from '../../electron/engine/labs/paths.js';
import { Ajv } from 'ajv';
import { expectSoundPack } from '../support/sound-pack.js';
import { MANIFEST_SCHEMA } from '../../electron/engine/labs/manifest-schema.js';
import { SCENARIO_SCHEMA } from '../../electron/engine/labs/scenario-schema.js';

const MIN_MUTANTS = { acceptor: 8, proposer: 8 } as const;
let tmp: string | null = null;

afterEach(async () => {
  delete process.env.PAXLAB_LABS_DIR;
  if (tmp) await rm(tmp, { recursive: true, force: true });
  tmp = null;
});

describe('lab pack schemas', () => {
  // lab-pack.ts compiles them without this check, to keep it out of every CLI run's start-up.
  it('are valid JSON Schemas (checked against the meta-schema)', () => {
    const ajv = new Ajv({ strict: false });
    for (const schema of [MANIFEST_SCHEMA, SCENARIO_SCHEMA]) {
      expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
    }
    expect(ajv.validateSchema({ type: 'object', properties: { id: { type: 'nosuchtype' } } })).toBe(false);
  });
});

describe('lab check', () => {
  // The learner's is checked through the CLI (`paxlab lab check learner --json`, reports.test.ts).
  for (const [id, min] of Object.entries(MIN_MUTANTS)) {
    it(`${id}: sound pack, every one of its ${min}+ mutants caught (100%)`, async () => {
      expectSoundPack(await checkLab(id, { jobs: 2 }), min);
    }, 600_000);
  }
});

describe('lab pack validation', () => {
  it('refuses a rule that covers a difference its handler cannot have, and a blame naming no rule', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'paxlab-covers-'));
    await cp(labsDir(), path.join(tmp, 'labs'), { recursive: true });
    process.env.PAXLAB_LABS_DIR = path.join(tmp, 'labs');
    const manifest = path.join(tmp, 'labs/01-acceptor/manifest.json');
    const text = await readFile(manifest, 'utf8');
    await writeFile(manifest, text.replace('"covers": {"handlePrepare": ["missing", "to", "from", "rnd"]}', '"covers": {"handlePrepare": ["missing", "crnd"]}'));
    await expect(loadLab('acceptor')).rejects.toThrow(/rule acceptor\.prepare\.higher: covers\.handlePrepare: crnd \(a difference is one of missing, unexpected, to, from, rnd, vrnd, vval\)/);
    await writeFile(manifest, text);
    const scenario = path.join(tmp, 'labs/01-acceptor/scenarios/vote-changes.json');
    await writeFile(scenario, (await readFile(scenario, 'utf8')).replace('"vval": "acceptor.accept.new-vote"', '"vval": "acceptor.no-such-rule"'));
    await expect((await loadLab('acceptor')).scenarios()).rejects.toThrow(/blame: unknown rule 'acceptor\.no-such-rule'/);
  });
});

describe('committed traces equal a fresh recording', () => {
  for (const id of ['acceptor', 'proposer', 'learner']) {
    it(`${id}: no drift`, async () => {
      const r = await recordLabTraces(id, { check: true });
      expect(r.files.filter((f) => f.status !== 'unchanged')).toEqual([]);
      expect(r.drift).toBe(false);
    });
  }

  it('detects a changed, a missing and a stale trace; recording fixes them', async () => {
    const original = path.join(labsDir(), '03-learner/traces/public/quorum-n3.jsonl');
    tmp = await mkdtemp(path.join(os.tmpdir(), 'paxlab-drift-'));
    await cp(labsDir(), path.join(tmp, 'labs'), { recursive: true });
    process.env.PAXLAB_LABS_DIR = path.join(tmp, 'labs');
    const traces = path.join(tmp, 'labs/03-learner/traces');
    const changed = path.join(traces, 'public/quorum-n3.jsonl');
    await writeFile(changed, (await readFile(changed, 'utf8')).replace('"expect":"x"', '"expect":"y"'));
    await rm(path.join(traces, 'hidden/empty-value.jsonl'));
    // A trace whose scenario was renamed away.
    await cp(path.join(traces, 'public/quorum-n5.jsonl'), path.join(traces, 'public/orphan.jsonl'));

    const check = await recordLabTraces('learner', { check: true });
    expect(check.drift).toBe(true);
    const status = Object.fromEntries(check.files.filter((f) => f.status !== 'unchanged').map((f) => [f.file, f.status]));
    expect(status).toEqual({
      'traces/public/quorum-n3.jsonl': 'changed',
      'traces/hidden/empty-value.jsonl': 'missing',
      'traces/public/orphan.jsonl': 'stale',
    });
    const lab = await checkLab('learner', { jobs: 2 });
    expect(lab.ok).toBe(false);
    expect(lab.problems.join('\n')).toMatch(/quorum-n3\.jsonl is changed/);

    await recordLabTraces('learner');
    expect((await recordLabTraces('learner', { check: true })).drift).toBe(false);
    expect(await readFile(changed, 'utf8')).toBe(await readFile(original, 'utf8'));
  }, 300_000);
});
