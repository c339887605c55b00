/**
 * The student's files: load, debounced autosave, and changes made on disk by another editor
 * (`file-changed` events). A disk change replaces the editor text when there are no unsaved edits;
 * otherwise the student chooses, so nothing typed is ever lost silently.
 */
import { defineStore } from 'pinia';
import { reactive } from 'vue';
import type { BuildResult } from '../api/types.js';
import { messageOf, useAppStore } from './app.js';

export type SaveStatus = 'loading' | 'saved' | 'dirty' | 'saving' | 'error';

export interface OpenFile {
  labId: string;
  name: string;
  /** What the editor shows. */
  text: string;
  /** What is on disk as far as we know. */
  diskText: string;
  status: SaveStatus;
  error: string | null;
  /** A change on disk while there were unsaved edits. */
  conflict: string | null;
  /** Bumped when the text is replaced from outside the editor (load, disk change, reset). */
  revision: number;
  build: BuildResult | null;
  building: boolean;
}

export const AUTOSAVE_MS = 500;

export const useWorkspaceStore = defineStore('workspace', () => {
  const app = useAppStore();
  const files = reactive<Record<string, OpenFile>>({});
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const key = (labId: string, name: string) => `${labId}/${name}`;

  async function open(labId: string, name: string): Promise<OpenFile> {
    const k = key(labId, name);
    if (!files[k]) {
      files[k] = { labId, name, text: '', diskText: '', status: 'loading', error: null, conflict: null, revision: 0, build: null, building: false };
    }
    const f = files[k];
    if (f.status === 'loading' || f.status === 'error') {
      try {
        const wf = await app.need().readLabFile(labId, name);
        f.text = f.diskText = wf.text;
        f.status = 'saved';
        f.error = null;
        f.revision++;
      } catch (err) {
        f.status = 'error';
        f.error = messageOf(err);
      }
    }
    return f;
  }

  function edit(f: OpenFile, text: string): void {
    if (text === f.text) return;
    f.text = text;
    f.status = text === f.diskText ? 'saved' : 'dirty';
    const k = key(f.labId, f.name);
    clearTimeout(timers.get(k));
    if (f.status === 'dirty') timers.set(k, setTimeout(() => void save(f), AUTOSAVE_MS));
  }

  async function save(f: OpenFile): Promise<void> {
    const k = key(f.labId, f.name);
    clearTimeout(timers.get(k));
    timers.delete(k);
    if (f.text === f.diskText) {
      if (f.status !== 'error') f.status = 'saved';
      return;
    }
    const text = f.text;
    f.status = 'saving';
    try {
      await app.need().writeLabFile(f.labId, f.name, text);
      f.diskText = text;
      f.error = null;
      f.status = f.text === text ? 'saved' : 'dirty';
      if (f.status === 'dirty') timers.set(k, setTimeout(() => void save(f), AUTOSAVE_MS));
    } catch (err) {
      f.status = 'error';
      f.error = `Not saved: ${messageOf(err)}`;
    }
  }

  /** Flush pending autosaves (before building or grading). */
  async function flush(labId: string): Promise<void> {
    await Promise.all(Object.values(files).filter((f) => f.labId === labId && f.text !== f.diskText).map((f) => save(f)));
  }

  async function reset(f: OpenFile): Promise<void> {
    const r = await app.need().resetLabFile(f.labId, f.name);
    f.text = f.diskText = r.text;
    f.status = 'saved';
    f.conflict = null;
    f.revision++;
    app.notify(r.backup ? `Starter restored; your previous code is in ${r.backup.split(/[\\/]/).pop()}` : 'Starter restored');
  }

  async function build(labId: string, f: OpenFile): Promise<void> {
    f.building = true;
    try {
      await flush(labId);
      f.build = await app.need().buildLab(labId);
    } catch (err) {
      app.notify(`Build failed: ${messageOf(err)}`, 'error');
    } finally {
      f.building = false;
    }
  }

  function takeDisk(f: OpenFile): void {
    if (f.conflict === null) return;
    f.text = f.diskText = f.conflict;
    f.conflict = null;
    f.status = 'saved';
    f.revision++;
  }

  function keepMine(f: OpenFile): void {
    f.conflict = null;
    void save(f);
  }

  app.onEvent((e) => {
    if (e.type !== 'file-changed') return;
    const f = files[key(e.labId, e.name)];
    if (!f || e.text === f.diskText) return; // our own write echoed back
    if (f.text === f.diskText && f.status !== 'saving') {
      f.text = f.diskText = e.text;
      f.revision++;
      app.notify(`${e.name} changed on disk — reloaded`);
    } else if (e.text !== f.text) {
      f.conflict = e.text;
      f.diskText = e.text;
    }
  });

  return { files, open, edit, save, flush, reset, build, takeDisk, keepMine };
});
