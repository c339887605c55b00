/**
 * Language-neutral: a node written in Python with nothing but its standard library, following
 * docs/wire-protocol.md, joins a real cluster beside two TypeScript reference nodes. The cluster
 * decides (one TypeScript node is crashed, so the Python node's votes are needed), the Python node
 * votes and decides too, and the trace records all of it.
 */
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster } from '../../electron/engine/cluster/index.js';
import { parseWorkloadText, planWorkload } from '../../electron/engine/clients/index.js';
import { buildHistory, checkLinearizability } from '../../electron/engine/history/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.join(root, 'test/fixtures/python-node/node.py');

describe('a Python node on the wire protocol', () => {
  test('python3 is on this machine (the test below needs it; it never skips)', () => {
    const r = spawnSync('python3', ['--version'], { encoding: 'utf8' });
    expect(r.error?.message ?? '', 'python3 is required to run the Python node fixture: install python3').toBe('');
    expect(r.status).toBe(0);
  });

  test('joins beside TypeScript nodes: the cluster decides and the trace records the Python node', async () => {
    const plan = planWorkload(parseWorkloadText('log:ops=1'), 3, 1);
    const cluster = startCluster({ nodes: 3, seed: 2, network: { loss: 0.05 }, externalNodes: { 3: { command: 'python3', args: [script] } }, clients: { plan } });
    try {
      await cluster.ready;
      // With node 2 down, {1, 3} is the only majority: nothing is chosen without the Python node's votes.
      await cluster.crash(2);
      cluster.startClients();
      expect(await cluster.waitForClients(30_000)).toBe(true);
      cluster.endClients();
      await cluster.waitFor((c) => [1, 3].every((n) => c.decisions().has(n)), 20_000);
      const trace = cluster.trace;
      const decisions = cluster.decisions();
      expect(new Set(decisions.values()).size).toBe(1);
      // The Python node took part: it promised or voted, sent heartbeats, and decided.
      const fromPython = trace.filter((e) => e.type === 'send' && e.from === 3).map((e) => (e.type === 'send' ? e.msg.kind : ''));
      expect(fromPython).toContain('heartbeat');
      expect(fromPython.some((k) => k === 'promise' || k === 'learn')).toBe(true);
      expect(trace.some((e) => e.type === 'decide' && e.node === 3)).toBe(true);
      expect(trace.some((e) => e.type === 'log' && e.node === 3 && /python node 3 up/.test(e.text))).toBe(true);
      // c3 asked the Python node first (the request may be lost: then c3 retried elsewhere).
      expect(trace.some((e) => (e.type === 'send' || e.type === 'deliver') && e.from === 'c3' && e.to === 3)).toBe(true);
      expect(buildHistory(trace).operations).toHaveLength(3);
      expect(checkLinearizability(trace, { model: 'log' }).verdict).toBe('ok');
    } finally {
      await cluster.shutdown();
    }
  }, 60_000);
});
