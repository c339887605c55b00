import { describe, expect, it, vi } from 'vitest';

const h = vi.hoisted(() => ({
  exposed: new Map<string, any>(),
  invoked: [] as [string, unknown[]][],
  listeners: new Map<string, Set<(...a: unknown[]) => void>>(),
  replies: new Map<string, unknown>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => h.exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (channel: string, ...args: unknown[]) => {
      h.invoked.push([channel, args]);
      return h.replies.get(channel) ?? { ok: true, value: null };
    },
    on: (channel: string, fn: (...a: unknown[]) => void) => {
      if (!h.listeners.has(channel)) h.listeners.set(channel, new Set());
      h.listeners.get(channel)!.add(fn);
    },
    removeListener: (channel: string, fn: (...a: unknown[]) => void) => h.listeners.get(channel)?.delete(fn),
  },
}));

import { API_CHANNELS, API_METHODS, ApiError, EVENT_CHANNEL, type PaxLabApi } from '../../electron/api.js';

describe('preload', () => {
  it('exposes exactly the API named functions as window.paxlab', async () => {
    await import('../../electron/preload/preload.js');
    expect([...h.exposed.keys()]).toEqual(['paxlab']);
    const api = h.exposed.get('paxlab');
    expect(Object.keys(api).sort()).toEqual([...API_METHODS, 'onEvent'].sort());
    for (const key of Object.keys(api)) expect(typeof api[key]).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('invokes the method channel and unwraps replies and errors', async () => {
    const api = h.exposed.get('paxlab') as PaxLabApi;
    h.replies.set(API_CHANNELS.listLabs, { ok: true, value: [{ id: 'acceptor' }] });
    await expect(api.listLabs()).resolves.toEqual([{ id: 'acceptor' }]);
    h.replies.set(API_CHANNELS.getLab, { ok: false, error: { code: 'not-found', message: 'no lab x' } });
    const err = await api.getLab('x').catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'not-found', message: 'no lab x' });
    await api.crashNode('c1', 2);
    expect(h.invoked.at(-1)).toEqual([API_CHANNELS.crashNode, ['c1', 2]]);
  });

  it('streams events to subscribers until they unsubscribe', () => {
    const api = h.exposed.get('paxlab') as PaxLabApi;
    const got: unknown[] = [];
    const off = api.onEvent((e) => got.push(e));
    const emit = (e: unknown) => h.listeners.get(EVENT_CHANNEL)?.forEach((fn) => fn({ sender: 'ipc' }, e));
    emit({ type: 'cluster-status', clusterId: 'c', status: 'running' });
    off();
    emit({ type: 'cluster-status', clusterId: 'c', status: 'stopped' });
    expect(got).toEqual([{ type: 'cluster-status', clusterId: 'c', status: 'running' }]);
    expect(() => api.onEvent('not a function' as never)).toThrow(TypeError);
  });
});
