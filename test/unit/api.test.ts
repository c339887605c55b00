import { describe, expect, it } from 'vitest';
import {
  API_CHANNELS,
  API_METHODS,
  ApiError,
  EVENT_CHANNEL,
  isApiMethod,
  partitionPresets,
  toReply,
  unwrapReply,
  validateArgs,
  type ApiMethod,
} from '../../electron/api.js';

const badArg = (method: string, args: unknown) => {
  try {
    validateArgs(method as ApiMethod, args);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('bad-argument');
    return (err as ApiError).message;
  }
  throw new Error(`${method}(${JSON.stringify(args)}) was accepted`);
};

describe('api contract', () => {
  it('has one distinct channel per method, none equal to the event channel', () => {
    const channels = API_METHODS.map((m) => API_CHANNELS[m]);
    expect(new Set(channels).size).toBe(API_METHODS.length);
    expect(channels).not.toContain(EVENT_CHANNEL);
    for (const m of API_METHODS) expect(API_CHANNELS[m]).toBe(`paxlab:${m}`);
  });

  it('accepts well-formed calls and returns normalized arguments', () => {
    expect(validateArgs('getAppInfo', [])).toEqual([]);
    expect(validateArgs('readLabFile', ['acceptor', 'acceptor.ts'])).toEqual(['acceptor', 'acceptor.ts']);
    expect(validateArgs('writeLabFile', ['acceptor', 'acceptor.ts', 'export class Acceptor {}'])).toEqual(['acceptor', 'acceptor.ts', 'export class Acceptor {}', undefined]);
    expect(validateArgs('writeLabFile', ['acceptor', 'acceptor.ts', 'x', { baseVersion: '0123456789abcdef', backupReplaced: true }])[3]).toEqual({
      baseVersion: '0123456789abcdef',
      backupReplaced: true,
    });
    expect(badArg('writeLabFile', ['acceptor', 'acceptor.ts', 'x', { baseVersion: '../etc' }])).toMatch(/file version/);
    expect(badArg('writeLabFile', ['acceptor', 'acceptor.ts', 'x', { force: true }])).toMatch(/no such field/);
    expect(validateArgs('startCluster', [{ nodes: 5, roles: { acceptor: 'student' }, network: { loss: 0.2 } }])).toEqual([
      { nodes: 5, roles: { acceptor: 'student' }, network: { loss: 0.2 } },
    ]);
    expect(validateArgs('getClusterTrace', ['abc-123'])).toEqual(['abc-123', undefined]);
    expect(validateArgs('partition', ['c1', [[1, 2], [3, 4, 5]]])).toEqual(['c1', [[1, 2], [3, 4, 5]]]);
    expect(validateArgs('exportTrace', [{ clusterId: 'c1', name: 'mine.jsonl' }])).toEqual([{ clusterId: 'c1', name: 'mine.jsonl' }]);
  });

  it('rejects unknown methods and non-array arguments', () => {
    expect(badArg('deleteEverything', [])).toMatch(/unknown method/);
    expect(badArg('onEvent', [])).toMatch(/unknown method/);
    expect(badArg('listLabs', 'x')).toMatch(/array/);
    expect(badArg('listLabs', [1])).toMatch(/at most 0/);
  });

  it('rejects path tricks in lab ids and file names', () => {
    badArg('readLabFile', ['../etc', 'passwd']);
    badArg('readLabFile', ['acceptor', '../../secret.ts']);
    badArg('readLabFile', ['acceptor', 'sub/dir.ts']);
    badArg('readLabFile', ['acceptor', '.hidden']);
    badArg('readLabFile', ['acceptor', 'a\\b.ts']);
    badArg('readTrace', ['..']);
    badArg('importTrace', ['/abs.jsonl', '']);
  });

  it('rejects wrong types, ranges and shapes', () => {
    badArg('writeLabFile', ['acceptor', 'acceptor.ts', 42]);
    badArg('startCluster', [{ nodes: 2 }]);
    badArg('startCluster', [{ nodes: 8 }]);
    badArg('startCluster', [{ nodes: 3.5 }]);
    badArg('startCluster', [{ nodes: 3, extra: true }]);
    badArg('startCluster', [{ nodes: 3, roles: { acceptor: 'mine' } }]);
    badArg('startCluster', [{ nodes: 3, network: { loss: 2 } }]);
    badArg('startCluster', [{ nodes: 3, network: { minDelayMs: 10, maxDelayMs: 1 } }]);
    badArg('startCluster', [null]);
    badArg('crashNode', ['c1', 0]);
    badArg('crashNode', ['c1', '1']);
    badArg('setLink', ['c1', 1, 2, 'yes']);
    badArg('partition', ['c1', [[1, 2, 3]]]);
    badArg('partition', ['c1', [[1, 2], [2, 3]]]);
    badArg('setNetwork', ['c1', { loss: -0.1 }]);
    badArg('setNetwork', ['c1', { loss: Number.NaN }]);
    badArg('clientRequest', ['c1', 1, 'x'.repeat(2000)]);
    badArg('exportTrace', [{}]);
    badArg('exportTrace', [{ clusterId: 'c1', events: [] }]);
    badArg('exportTrace', [{ events: [1, 2] }]);
    badArg('stopCluster', ['not an id!']);
  });

  it('isApiMethod knows exactly the request methods', () => {
    for (const m of API_METHODS) expect(isApiMethod(m)).toBe(true);
    expect(isApiMethod('onEvent')).toBe(false);
    expect(isApiMethod('constructor')).toBe(false);
    expect(isApiMethod('__proto__')).toBe(false);
  });

  it('reply envelopes keep error codes across a transport', async () => {
    const ok = await toReply(() => 7);
    expect(unwrapReply(ok)).toBe(7);
    const bad = await toReply(() => {
      throw new ApiError('not-found', 'no such lab');
    });
    expect(JSON.parse(JSON.stringify(bad))).toEqual({ ok: false, error: { code: 'not-found', message: 'no such lab' } });
    expect(() => unwrapReply(bad)).toThrowError(/no such lab/);
    const internal = await toReply(async () => {
      throw new TypeError('boom');
    });
    expect(internal).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
    expect(() => unwrapReply(undefined as never)).toThrowError(/malformed/);
  });

  it('partition presets split a cluster into disjoint groups covering every node', () => {
    for (let n = 3; n <= 7; n++) {
      const presets = partitionPresets(n);
      expect(presets.length).toBeGreaterThanOrEqual(2);
      for (const p of presets) {
        const all = p.groups.flat().sort((a, b) => a - b);
        expect(all).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        expect(p.groups.every((g) => g.length > 0)).toBe(true);
        expect(() => validateArgs('partition', ['c1', p.groups])).not.toThrow();
      }
    }
    expect(partitionPresets(5)[0]).toEqual({ label: '{1,2,3} | {4,5}', groups: [[1, 2, 3], [4, 5]] });
  });
});
