/**
 * The app service over the real engine: lab catalog and progress, the workspace through the API,
 * external edits as events, grading that records progress, the playground cluster (one at a time,
 * student roles that do not build are refused with their location), traces, and shutdown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError, type AppEvent } from '../../electron/api.js';
import { AppService } from '../../electron/engine/app/app-service.js';
import { createEnginePorts } from '../../electron/engine/app/engine-ports.js';
import { alive, waitUntil as until } from '../support/wait.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let tmp: string;
let service: AppService;
const events: AppEvent[] = [];

const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e) => (e instanceof ApiError ? e.code : `not an ApiError: ${e}`));

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'paxlab-app-service-'));
  service = await AppService.create({ workspaceDir: tmp, mode: 'browser', version: 't', ports: createEnginePorts() });
  service.subscribe((e) => events.push(e));
});
afterAll(async () => {
  await service.shutdown();
  rmSync(tmp, { recursive: true, force: true });
});

describe('app service', () => {
  it('lists the labs in course order, not started', async () => {
    const labs = await service.listLabs();
    expect(labs.map((l) => [l.id, l.role])).toEqual([
      ['acceptor', 'acceptor'],
      ['proposer', 'proposer'],
      ['learner', 'learner'],
      ['multi-paxos', 'multi-paxos'],
      ['kv-service', 'node'],
    ]);
    // The chapters are graded like labs but listed by the Course view.
    expect((await service.listCourse()).map((c) => c.id)).toEqual(Array.from({ length: 10 }, (_, n) => `chapter-${n}`));
    for (const l of labs) expect(l.progress).toMatchObject({ status: 'not-started', score: 0, maxScore: l.points });
    expect(await code(service.getLab('no-such-lab'))).toBe('not-found');
    expect(await code(service.readLabFile('acceptor', 'other.ts'))).toBe('not-found');
  });

  it('opens, saves and resets the student file, keeping a backup', async () => {
    const lab = await service.getLab('learner');
    const opened = await service.readLabFile('learner', lab.files[0].name);
    expect(opened.text).toBe(lab.files[0].starter);
    expect(events).toContainEqual(expect.objectContaining({ type: 'progress-changed', labId: 'learner' }));
    const saved = await service.writeLabFile('learner', lab.files[0].name, '// my learner\n');
    expect(saved.bytes).toBe(Buffer.byteLength('// my learner\n'));
    const reset = await service.resetLabFile('learner', lab.files[0].name);
    expect(reset.text).toBe(lab.files[0].starter);
    expect(readFileSync(reset.backup!, 'utf8')).toBe('// my learner\n');
  });

  it('tells every window of a save, and refuses a save on top of a stale version', async () => {
    const opened = await service.readLabFile('acceptor', 'acceptor.ts');
    const saved = await service.writeLabFile('acceptor', 'acceptor.ts', '// window 1\n', { baseVersion: opened.version });
    expect(events).toContainEqual(expect.objectContaining({ type: 'file-changed', labId: 'acceptor', text: '// window 1\n', version: saved.version }));
    expect(await code(service.writeLabFile('acceptor', 'acceptor.ts', '// window 2\n', { baseVersion: opened.version }))).toBe('conflict');
    expect(readFileSync(path.join(tmp, 'acceptor', 'acceptor.ts'), 'utf8')).toBe('// window 1\n');
    const kept = await service.writeLabFile('acceptor', 'acceptor.ts', '// window 2\n', { baseVersion: saved.version, backupReplaced: true });
    expect(readFileSync(kept.backup!, 'utf8')).toBe('// window 1\n');
  });

  it('reports an edit made on disk as a file-changed event', async () => {
    await service.readLabFile('proposer', 'proposer.ts');
    writeFileSync(path.join(tmp, 'proposer', 'proposer.ts'), '// edited in vim\n');
    await until(() => events.some((e) => e.type === 'file-changed' && e.text === '// edited in vim\n'), 5000, 'file-changed');
    expect(events.find((e) => e.type === 'file-changed' && e.text === '// edited in vim\n')).toMatchObject({ labId: 'proposer', name: 'proposer.ts' });
  });

  it('grades, streams progress and records the best result', async () => {
    const reference = readFileSync(path.join(root, 'labs', '03-learner', 'reference', 'learner.ts'), 'utf8');
    await service.writeLabFile('learner', 'learner.ts', reference);
    const report = await service.gradeLab('learner');
    expect(report).toMatchObject({ labId: 'learner', built: true, failed: 0 });
    expect(report.total).toBeGreaterThan(0);
    const progress = events.filter((e) => e.type === 'grade-progress' && e.runId === report.runId);
    expect(progress.map((e) => (e.type === 'grade-progress' ? e.done : -1))).toEqual(Array.from({ length: report.total }, (_, i) => i + 1));
    expect((await service.listLabs()).find((l) => l.id === 'learner')!.progress).toMatchObject({ status: 'passed', score: report.maxScore });

    // A broken module afterwards fails, but the lab stays passed with its best score.
    await service.writeLabFile('learner', 'learner.ts', 'export class Learner { constructor(){} handleLearn() { return "x"; } }\n');
    const worse = await service.gradeLab('learner');
    expect(worse.failed).toBeGreaterThan(0);
    const failed = worse.verdicts.find((v) => !v.passed)!;
    expect(failed.rule?.id).toMatch(/\./);
    expect(failed.steps?.length).toBeGreaterThan(0);
    expect(failed.trace?.some((e) => e.type === 'error')).toBe(true);
    expect((await service.listLabs()).find((l) => l.id === 'learner')!.progress.status).toBe('passed');
  });

  it("lists a run's tests first, and draws and exports a scenario's real failing run", async () => {
    const mutant = readFileSync(path.join(root, 'labs', '02-proposer', 'mutants', 'ignores-promised-values.ts'), 'utf8');
    await service.writeLabFile('proposer', 'proposer.ts', mutant);
    const report = await service.gradeLab('proposer');
    const mine = events.filter((e) => (e.type === 'grade-started' || e.type === 'grade-progress') && e.runId === report.runId);
    // The list of tests comes before any verdict, in the order the verdicts follow.
    expect(mine[0]).toMatchObject({ type: 'grade-started', labId: 'proposer' });
    const listed = mine[0].type === 'grade-started' ? mine[0].tests.map((t) => t.id) : [];
    expect(listed).toEqual(report.verdicts.map((v) => v.id));

    const v = report.verdicts.find((x) => x.id === 'scenario:split-vote')!;
    expect(v).toMatchObject({ passed: false, checker: 'agreement', seed: expect.any(Number) });
    expect(v.trace![0]).toMatchObject({ type: 'meta', nodes: [1, 2, 3, 4, 5] });
    expect(v.highlights!.map((h) => h.label)).toEqual([expect.stringMatching(/^conflict: S\d decided "x"$/), expect.stringMatching(/^conflict: S\d decided "y"$/)]);
    const search = report.verdicts.find((x) => x.kind === 'search' && !x.passed)!;
    expect(search.counterexample!.length).toBeGreaterThan(3);

    const out = await service.exportTrace({ run: { runId: report.runId, verdictId: v.id }, name: 'split-vote.jsonl' });
    const saved = out.text.trim().split('\n');
    expect(saved).toHaveLength(v.traceEvents!);
    expect(JSON.parse(saved[saved.length - 1])).toMatchObject({ type: 'error', message: expect.stringMatching(/^violation \(agreement\)/) });
    expect(await code(service.exportTrace({ run: { runId: report.runId, verdictId: 'trace:public/none' } }))).toBe('not-found');
    expect(await code(service.exportTrace({ run: { runId: 'gone', verdictId: v.id } }))).toBe('not-found');
    // The lab remembers this run as the latest, whatever the best.
    expect((await service.listLabs()).find((l) => l.id === 'proposer')!.progress.last).toMatchObject({ score: report.score, failed: report.failed, total: report.total });
  });

  it('returns build diagnostics with file, line and column', async () => {
    await service.writeLabFile('proposer', 'proposer.ts', "import { x } from 'fs';\nexport class Proposer {}\n");
    const build = await service.buildLab('proposer');
    expect(build.ok).toBe(false);
    expect(build.diagnostics[0]).toMatchObject({ file: 'proposer.ts', line: 1, severity: 'error' });
  });

  it("refuses a student role that does not build, naming where", async () => {
    const err = await service.startCluster({ nodes: 3, roles: { proposer: 'student' } }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('bad-argument');
    expect(err.message).toMatch(/proposer\.ts:1:\d+/);
  });

  it('runs one playground cluster at a time and kills the old one on replace and on shutdown', async () => {
    const first = await service.startCluster({ nodes: 3, roles: { learner: 'student' } });
    const pidsOf = async (id: string, nodes: number[]) =>
      Promise.all(nodes.map(async (n) => ((await service.snapshotNode(id, n)).state as { pid: number }).pid));
    const firstPids = await pidsOf(first.clusterId, first.nodes);
    expect(firstPids.every(alive)).toBe(true);
    expect(await code(service.crashNode(first.clusterId, 9))).toBe('bad-argument');
    expect(await code(service.setLink(first.clusterId, 2, 2, false))).toBe('bad-argument');

    const second = await service.startCluster({ nodes: 5 });
    expect(firstPids.filter(alive)).toEqual([]);
    expect(await code(service.crashNode(first.clusterId, 1))).toBe('not-found');
    expect(events).toContainEqual({ type: 'cluster-status', clusterId: first.clusterId, status: 'stopped' });

    await service.clientRequest(second.clusterId, 2, 'pick me');
    await until(() => events.some((e) => e.type === 'cluster-events' && e.clusterId === second.clusterId && e.events.some((t) => t.type === 'decide')), 15_000, 'a decision');
    const exported = await service.exportTrace({ clusterId: second.clusterId });
    expect(existsSync(exported.path)).toBe(true);
    const a = await service.importTrace('same.jsonl', exported.text);
    const b = await service.importTrace('same.jsonl', exported.text);
    expect([a.info.name, b.info.name]).toEqual(['same.jsonl', 'same-2.jsonl']);
    expect(await code(service.exportTrace({ events: [] }))).toBe('bad-argument');

    const secondPids = await pidsOf(second.clusterId, second.nodes);
    await service.shutdown();
    expect(secondPids.filter(alive)).toEqual([]);
    expect(await code(service.startCluster({ nodes: 3 }))).toBe('unavailable');
  });
});
