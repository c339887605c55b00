// Cluster scenarios: named fault schedules, the scenario runner (student role among reference roles in
// the simulator, judged by the checkers), reproducibility by seed, and the lab packs' configuration.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AcceptMsg, LearnMsg, LearnMsg as L } from '@paxlab/sdk';
import { SCHEDULE_NAMES, namedSchedule } from '../../electron/engine/scenarios/schedules.js';
import { runScenario, SCENARIO_MAX_EVENTS } from '../../electron/engine/scenarios/scenario-run.js';
import { LabConfigError, loadScenarioFile, loadSearchTests } from '../../electron/engine/scenarios/lab-config.js';
import { validateFaultSchedule } from '../../electron/engine/faults/schedule.js';
import { serializeTrace } from '../../electron/engine/trace/io.js';
import { Acceptor } from '../../labs/01-acceptor/reference/acceptor.js';
import { Proposer } from '../../labs/02-proposer/reference/proposer.js';
import { Learner } from '../../labs/03-learner/reference/learner.js';

const labsDir = path.resolve(import.meta.dirname, '../../labs');

describe('named fault schedules', () => {
  it('are valid schedules for the cluster that end healed with every node up', () => {
    for (const name of SCHEDULE_NAMES) {
      for (const seed of [1, 2, 3]) {
        const s = namedSchedule(name, 5, seed);
        expect(() => validateFaultSchedule(s.schedule, [1, 2, 3, 4, 5])).not.toThrow();
        const crashed = new Set<number>();
        for (const a of s.schedule) {
          if (a.action === 'crash') crashed.add(a.node);
          if (a.action === 'restart') crashed.delete(a.node);
          if (a.action !== 'request') expect(a.at).toBeLessThanOrEqual(s.faultsEndAt);
        }
        expect(crashed.size).toBe(0);
        expect(s.schedule.filter((a) => a.action === 'request').length).toBeGreaterThanOrEqual(2);
      }
    }
  });
  it('vary with the seed', () => {
    const times = new Set([1, 2, 3, 4, 5, 6].map((seed) => JSON.stringify(namedSchedule('leader-crash', 5, seed).schedule)));
    expect(times.size).toBeGreaterThan(1);
  });
});

describe('scenario runs', () => {
  it('the reference roles pass every schedule on many seeds', () => {
    for (const schedule of SCHEDULE_NAMES) {
      for (const role of ['acceptor', 'proposer', 'learner'] as const) {
        const roleClass = { acceptor: Acceptor, proposer: Proposer, learner: Learner }[role];
        for (let seed = 1; seed <= 5; seed++) {
          const r = runScenario({ role, roleClass, schedule, nodes: 5, seed });
          expect(r.ok, `${schedule}/${role}/${seed}: ${r.failed?.message}`).toBe(true);
        }
      }
    }
  });

  it('the same seed gives the same trace, byte for byte; another seed another one', () => {
    const a = runScenario({ role: 'acceptor', roleClass: Acceptor, schedule: 'loss', nodes: 5, seed: 7 });
    const b = runScenario({ role: 'acceptor', roleClass: Acceptor, schedule: 'loss', nodes: 5, seed: 7 });
    const c = runScenario({ role: 'acceptor', roleClass: Acceptor, schedule: 'loss', nodes: 5, seed: 8 });
    expect(serializeTrace(a.trace)).toBe(serializeTrace(b.trace));
    expect(serializeTrace(a.trace)).not.toBe(serializeTrace(c.trace));
  });

  it('an acceptor that never votes fails liveness, with the seed and the trace', () => {
    class NeverVotes extends Acceptor {
      override handleAccept(_msg: AcceptMsg): LearnMsg | null {
        return null;
      }
    }
    const r = runScenario({ role: 'acceptor', roleClass: NeverVotes, schedule: 'calm', nodes: 3, seed: 1, livenessMs: 500 });
    expect(r.ok).toBe(false);
    expect(r.failed).toMatchObject({ checker: 'liveness' });
    expect(r.trace[0]).toMatchObject({ type: 'meta', seed: 1 });
  });

  it('a learner that decides on the first learn it hears breaks agreement under a partition', () => {
    class Hasty extends Learner {
      override handleLearn(msg: L) {
        if (this.learned !== null) return null;
        return (this.learned = msg.val);
      }
    }
    const failures = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]
      .map((seed) => runScenario({ role: 'learner', roleClass: Hasty, schedule: 'split-vote', nodes: 5, seed }))
      .filter((r) => !r.ok);
    // Whether a run shows it depends on the interleaving; across seeds some do, and every report names a checker.
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(['agreement', 'validity', 'integrity', 'chosen-invariant', 'liveness']).toContain(f.failed!.checker);
  });

  it('counts its budget in events: a run that needs more is a flood, judged on what happened before it', () => {
    // A run where nobody decides (acceptors never vote) goes on until the liveness bound: heartbeats and
    // retransmissions, thousands of events. With a budget far below that, it stops there, the same way every time.
    class NeverVotes extends Acceptor {
      override handleAccept(_msg: AcceptMsg): LearnMsg | null {
        return null;
      }
    }
    const run = () => runScenario({ role: 'acceptor', roleClass: NeverVotes, schedule: 'loss', nodes: 5, seed: 3, maxEvents: 2000 });
    const r = run();
    expect(r.failed).toMatchObject({ checker: 'flood', message: expect.stringMatching(/^the cluster was still busy after 2000 events at \d+ ms of virtual time .*: your acceptor keeps the nodes sending$/) });
    // Safety was still judged on the events before the budget ran out.
    expect(r.results.filter((x) => x.checker !== 'flood').every((x) => x.ok)).toBe(true);
    expect(serializeTrace(run().trace)).toBe(serializeTrace(r.trace));
    // The default budget is far above what a run without any decision takes.
    const full = runScenario({ role: 'acceptor', roleClass: NeverVotes, schedule: 'loss', nodes: 5, seed: 3 });
    expect(full.failed).toMatchObject({ checker: 'liveness' });
    expect(full.trace.length).toBeLessThan(SCENARIO_MAX_EVENTS / 5);
  });

  it('places the student role on the chosen nodes only', () => {
    class Silent extends Acceptor {
      override handleAccept(): LearnMsg | null {
        return null;
      }
    }
    // Two silent acceptors of five still leave a quorum: the run decides.
    const r = runScenario({ role: 'acceptor', roleClass: Silent, schedule: 'calm', nodes: 5, seed: 1, placement: [4, 5], livenessMs: 1000 });
    expect(r.ok, r.failed?.message).toBe(true);
    // On every node, nothing is ever voted: no decision.
    const all = runScenario({ role: 'acceptor', roleClass: Silent, schedule: 'calm', nodes: 5, seed: 1, livenessMs: 1000 });
    expect(all.failed).toMatchObject({ checker: 'liveness' });
  });
});

describe('lab pack configuration', () => {
  it('every role lab has scenario and search tests', async () => {
    for (const dir of ['01-acceptor', '02-proposer', '03-learner']) {
      const scen = await loadScenarioFile(path.join(labsDir, dir));
      expect(scen!.tests.map((t) => t.schedule)).toEqual(expect.arrayContaining(['loss', 'duplication', 'reordering', 'partition', 'leader-crash', 'dueling-proposers']));
      expect((await loadSearchTests(path.join(labsDir, dir))).length).toBeGreaterThan(0);
    }
  });

  it('rejects a bad configuration with the file and the field', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'paxlab-scen-'));
    try {
      await mkdir(path.join(dir, 'scenario-tests'));
      await writeFile(path.join(dir, 'scenario-tests', 'scenarios.json'), JSON.stringify({ nodes: 5, seeds: 3, tests: [{ name: 'x', title: 'X', schedule: 'earthquake' }] }));
      await expect(loadScenarioFile(dir)).rejects.toThrow(/schedule' must be one of/);
      await writeFile(path.join(dir, 'scenario-tests', 'search.json'), JSON.stringify({ tests: [{ name: 'x', title: 'X', options: { rounds: 2 } }] }));
      await expect(loadSearchTests(dir)).rejects.toThrow(LabConfigError);
      await writeFile(path.join(dir, 'scenario-tests', 'search.json'), '{ not json');
      await expect(loadSearchTests(dir)).rejects.toThrow(/search\.json/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('scenario tests with clients', () => {
  it('a scenario test may run client sessions; their history is judged with the other checkers', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'paxlab-scen-'));
    try {
      await mkdir(path.join(dir, 'scenario-tests'));
      const file = path.join(dir, 'scenario-tests', 'scenarios.json');
      await writeFile(file, JSON.stringify({ nodes: 3, seeds: 2, tests: [{ name: 'one-log', title: 'Three clients see one log', schedule: 'loss', clients: 3, workload: 'log:ops=1' }] }));
      const scen = await loadScenarioFile(dir);
      expect(scen!.tests[0].clients).toEqual({ count: 3, workload: { kind: 'log', ops: 1 } });
      await writeFile(file, JSON.stringify({ nodes: 3, seeds: 2, tests: [{ name: 'x', title: 'X', schedule: 'loss', clients: 3, workload: 'queue:ops=1' }] }));
      await expect(loadScenarioFile(dir)).rejects.toThrow(/tests\[0\]: bad workload 'queue:ops=1'/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    for (const seed of [1, 2, 3]) {
      const r = runScenario({ role: 'proposer', roleClass: Proposer, schedule: 'loss', nodes: 3, seed, clients: { count: 3, workload: { kind: 'log', ops: 1 } } });
      expect(r.ok, r.failed?.message).toBe(true);
      expect(r.results.map((c) => c.checker)).toContain('linearizability');
      expect(r.trace[0]).toMatchObject({ clients: ['c1', 'c2', 'c3'], model: 'log' });
    }
  });
});
