import { afterEach, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LabError, listLabs, loadLab } from '../../electron/engine/labs/lab-pack.js';
import { labsDir } from '../../electron/engine/labs/paths.js';
import { parseRoleTrace, serializeRoleTrace } from '../../electron/engine/labs/role-trace.js';
import { messageProblems } from '../../electron/engine/labs/message-shape.js';

const LABS = ['acceptor', 'proposer', 'learner'] as const;
let tmp: string | null = null;

afterEach(async () => {
  delete process.env.PAXLAB_LABS_DIR;
  if (tmp) await rm(tmp, { recursive: true, force: true });
  tmp = null;
});

/** A copy of the real labs folder (with the SDK) that a test may break. */
async function scratchLabs(): Promise<string> {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'paxlab-labs-'));
  await cp(labsDir(), path.join(tmp, 'labs'), { recursive: true });
  process.env.PAXLAB_LABS_DIR = path.join(tmp, 'labs');
  return path.join(tmp, 'labs');
}

describe('lab packs on disk', () => {
  it('lists the three role labs with their ids and roles', async () => {
    const labs = await listLabs();
    for (const id of LABS) expect(labs.find((l) => l.id === id)).toMatchObject({ id, role: id });
  });

  it('rejects an unknown lab id with a clear error', async () => {
    await expect(loadLab('paxos-in-space')).rejects.toThrow(LabError);
    await expect(loadLab('paxos-in-space')).rejects.toThrow(/no lab with id 'paxos-in-space'/);
  });

  for (const id of LABS) {
    it(`${id}: every rule is exercised by a trace, both sets exist, instructions name every rule`, async () => {
      const lab = await loadLab(id);
      const pub = await lab.traces('public');
      const hid = await lab.traces('hidden');
      expect(pub.length).toBeGreaterThan(0);
      expect(hid.length).toBeGreaterThan(0);
      const used = new Set([...pub, ...hid].flatMap((t) => t.trace.steps.map((s) => s.rule)));
      for (const r of lab.manifest.rules) expect(used, `rule ${r.id}`).toContain(r.id);
      const instructions = await readFile(lab.instructionsPath, 'utf8');
      for (const r of lab.manifest.rules) expect(instructions, `instructions mention ${r.id}`).toContain(r.id);
    });

    it(`${id}: traces cover n = 3 and n = 5, and every step input is a well-formed message`, async () => {
      const lab = await loadLab(id);
      const all = [...(await lab.traces('public')), ...(await lab.traces('hidden'))];
      const sizes = new Set(all.map((t) => t.trace.header.node.nodes.length));
      expect(sizes).toContain(3);
      expect(sizes).toContain(5);
      for (const { trace } of all) {
        for (const s of trace.steps) {
          const spec = lab.role.methods[s.call];
          expect(spec, `${trace.header.name} step ${s.step}`).toBeDefined();
          if (spec.input !== 'none') expect(messageProblems(s.input, spec.input)).toEqual([]);
        }
      }
    });

    it(`${id}: each mutant starts with a comment saying its bug`, async () => {
      const lab = await loadLab(id);
      const mutants = await lab.mutants();
      expect(mutants.length).toBeGreaterThanOrEqual(id === 'learner' ? 4 : 8);
      for (const m of mutants) expect(await readFile(m, 'utf8')).toMatch(/^\/\/ Bug: \S/);
    });
  }

  it('traces test only what the student API pins down: promises reach their addressee, a round has one value', async () => {
    for (const id of LABS) {
      const lab = await loadLab(id);
      for (const { trace } of [...(await lab.traces('public')), ...(await lab.traces('hidden'))]) {
        const valueOfRound = new Map<number, unknown>();
        for (const s of trace.steps) {
          const m = s.input as { kind?: string; to?: number; rnd?: number; val?: unknown; vrnd?: number; vval?: unknown } | undefined;
          if (m?.kind === 'promise') {
            expect(m.to, `${trace.header.name} step ${s.step}`).toBe(trace.header.node.id);
            if (m.vrnd) record(m.vrnd, m.vval, `${trace.header.name} step ${s.step}`);
          }
          if (m?.kind === 'accept' || m?.kind === 'learn') record(m.rnd!, m.val, `${trace.header.name} step ${s.step}`);
        }
        function record(rnd: number, val: unknown, where: string) {
          if (valueOfRound.has(rnd)) expect(valueOfRound.get(rnd), where).toBe(val);
          valueOfRound.set(rnd, val);
        }
      }
    }
  });

  it('role traces survive a serialize/parse round trip unchanged', async () => {
    const lab = await loadLab('proposer');
    for (const { file, trace } of await lab.traces('public')) {
      const text = await readFile(file, 'utf8');
      expect(serializeRoleTrace(parseRoleTrace(text))).toBe(text);
      expect(serializeRoleTrace(trace)).toBe(text);
    }
  });
});

describe('manifest and scenario validation', () => {
  it('rejects a manifest that breaks the schema, naming the field', async () => {
    const labs = await scratchLabs();
    const file = path.join(labs, '01-acceptor', 'manifest.json');
    const m = JSON.parse(await readFile(file, 'utf8'));
    m.limits.callMs = 'fast';
    await writeFile(file, JSON.stringify(m));
    await expect(loadLab('acceptor')).rejects.toThrow(/manifest\.json: \/limits\/callMs must be integer/);
  });

  it('rejects a manifest whose export is not the role class of the student API', async () => {
    const labs = await scratchLabs();
    const file = path.join(labs, '03-learner', 'manifest.json');
    const m = JSON.parse(await readFile(file, 'utf8'));
    m.export = 'MyLearner';
    await writeFile(file, JSON.stringify(m));
    await expect(loadLab('learner')).rejects.toThrow(/exports 'Learner'/);
  });

  it('rejects scenario steps with an unknown rule, a wrong handler or a malformed input', async () => {
    const labs = await scratchLabs();
    const file = path.join(labs, '01-acceptor', 'scenarios', 'first-prepares.json');
    const s = JSON.parse(await readFile(file, 'utf8'));
    s.steps[0].rule = 'acceptor.made-up';
    s.steps[1].call = 'handlePromise';
    s.steps[2].input = { kind: 'prepare', from: 0, crnd: 'three' };
    await writeFile(file, JSON.stringify(s));
    const lab = await loadLab('acceptor');
    const err = await lab.scenarios().then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(LabError);
    expect(err!.message).toMatch(/step 1: unknown rule 'acceptor.made-up'/);
    expect(err!.message).toMatch(/step 2: 'handlePromise' is not a handler of the acceptor/);
    expect(err!.message).toMatch(/step 3: input: field 'from' should be a node id/);
    expect(err!.message).toMatch(/field 'crnd' should be a round/);
  });
});
