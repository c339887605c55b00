/**
 * The renderer's workspace store (autosave) against the real app service on a temp workspace.
 * The host announces a save (`file-changed`) before it answers the write, as both transports
 * deliver it; a student who types on while a save is on its way must not be told their file "was
 * changed elsewhere" by the echo of their own save.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPinia, setActivePinia } from 'pinia';
import type { AppEvent, PaxLabApi } from '../../electron/api.js';
import { AppService } from '../../electron/engine/app/app-service.js';
import { createEnginePorts } from '../../electron/engine/app/engine-ports.js';

// The app store reads a few browser globals when it starts (theme, zoom, route): plain stand-ins.
const stored = new Map<string, string>();
vi.stubGlobal('localStorage', { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) });
vi.stubGlobal('matchMedia', () => ({ matches: false }));
vi.stubGlobal('location', { hash: '' });
vi.stubGlobal('window', { addEventListener: () => {} });
vi.stubGlobal('document', { documentElement: { dataset: {}, style: { setProperty: () => {} } } });

const { useAppStore } = await import('../../renderer/src/stores/app.js');
const { useWorkspaceStore } = await import('../../renderer/src/stores/workspace.js');

let tmp: string;
let service: AppService;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'paxlab-ws-store-'));
  service = await AppService.create({ workspaceDir: tmp, mode: 'browser', version: 't', ports: createEnginePorts() });
  setActivePinia(createPinia());
  // The service itself as the API, events through its subscription (the transports add only framing).
  const api = new Proxy(service, {
    get: (t, k) => (k === 'onEvent' ? (l: (e: AppEvent) => void) => t.subscribe(l) : (t as unknown as Record<string | symbol, unknown>)[k]),
  }) as unknown as PaxLabApi;
  useAppStore().attach({ api, kind: 'electron', onState: () => {}, initialState: 'open' });
});
afterAll(async () => {
  await service.shutdown();
  rmSync(tmp, { recursive: true, force: true });
});

describe('workspace store: autosave', () => {
  it('typing on while a save is on its way: no conflict with our own save; the newer text is saved next', async () => {
    const ws = useWorkspaceStore();
    const f = await ws.open('acceptor', 'acceptor.ts');
    const first = `${f.text}\n// first edit\n`;
    const second = `${first}// typed while the first was being saved\n`;
    ws.edit(f, first);
    const saving = ws.save(f);
    ws.edit(f, second);
    await saving;
    expect(f.conflict).toBeNull();
    expect(f.status).toBe('dirty');
    expect(f.diskText).toBe(first);
    await ws.save(f);
    expect(f.status).toBe('saved');
    expect(readFileSync(path.join(tmp, 'acceptor', 'acceptor.ts'), 'utf8')).toBe(second);
  });

  it('a save from another window while we have unsaved edits is still a conflict', async () => {
    const ws = useWorkspaceStore();
    const f = await ws.open('acceptor', 'acceptor.ts');
    ws.edit(f, `${f.text}// mine, not saved yet\n`);
    await service.writeLabFile('acceptor', 'acceptor.ts', '// theirs\n');
    expect(f.conflict).toBe('// theirs\n');
    expect(f.text).toMatch(/mine, not saved yet/);
  });
});
