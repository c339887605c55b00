/** The API's argument checks for the playground's clients. */
import { describe, expect, test } from 'vitest';
import { validateArgs } from '../../electron/api.js';

describe('clients arguments', () => {
  test('a client rate (think time) and a deferred start are accepted; bad ones are refused', () => {
    const [opts] = validateArgs('startCluster', [{ nodes: 5, service: { machine: 'kv' }, clients: { count: 3, workload: 'kv:keys=3,ops=40', thinkMs: 40, start: false } }]);
    expect(opts.clients).toEqual({ count: 3, workload: 'kv:keys=3,ops=40', thinkMs: 40, start: false });
    expect(() => validateArgs('startCluster', [{ nodes: 5, clients: { count: 3, workload: 'kv', thinkMs: -1 } }])).toThrow(/thinkMs/);
    expect(() => validateArgs('startCluster', [{ nodes: 5, clients: { count: 3, workload: 'kv', start: 'yes' } }])).toThrow(/start/);
    expect(() => validateArgs('startCluster', [{ nodes: 5, clients: { count: 3, workload: 'kv', rate: 3 } }])).toThrow(/rate: expected no such field/);
  });

  test('start, stop and read the clients of a cluster by its id', () => {
    for (const m of ['startClients', 'stopClients', 'getClients'] as const) {
      expect(validateArgs(m, ['abc-1'])).toEqual(['abc-1']);
      expect(() => validateArgs(m, ['../x'])).toThrow(/an id/);
      expect(() => validateArgs(m, ['a', 'b'])).toThrow(/at most 1/);
    }
  });
});
