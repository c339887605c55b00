/**
 * The student's files: load, debounced autosave, and changes made elsewhere (another window on the
 * same file, or another editor) as `file-changed` events.
 *
 * Every save names the version it replaces, so the host refuses a save on top of a version this
 * window never saw. A change from elsewhere replaces the editor text when there are no unsaved
 * edits; otherwise the student chooses (theirs, or mine with theirs kept as a backup), and autosave
 * waits until they do: nothing typed in either window is ever lost silently.
 */
import { defineStore } from 'pinia';
import { reactive } from 'vue';
import type { AppEvent, BuildResult, Diagnostic } from '../api/types.js';
import { isStaleWrite } from '../../../electron/api.js';
import { messageOf, useAppStore } from './app.js';

export type SaveStatus = 'loading' | 'saved' | 'dirty' | 'saving' | 'error';

type FileChangedEvent = Extract<AppEvent, { type: 'file-changed' }>;

/** Diagnostics of one version of the file: they are shown only while the editor holds that text. */
export interface VersionedDiagnostics {
  /** The text they were found in. */
  text: string;
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Who found them: the Build button or a grading run. */
  from: 'build' | 'grade';
}

export interface OpenFile {
  labId: string;
  name: string;
  /** What the editor shows. */
  text: string;
  /** What is on disk as far as we know, and its version: the base of our next save. */
  diskText: string;
  diskVersion: string;
  status: SaveStatus;
  error: string | null;
  /** Another version saved elsewhere while there were unsaved edits here (its text), until resolved. */
  conflict: string | null;
  conflictVersion: string | null;
  /** Bumped when the text is replaced from outside the editor (load, disk change, reset). */
  revision: number;
  /** The last build's (or grading run's) diagnostics, with the text they belong to. */
  checked: VersionedDiagnostics | null;
  building: boolean;
}

export const AUTOSAVE_MS = 500;

/** The diagnostics that belong to the text the editor shows now (none when it changed since). */
export function currentDiagnostics(f: OpenFile): VersionedDiagnostics | null {
  return f.checked && f.checked.text === f.text ? f.checked : null;
}

export const useWorkspaceStore = defineStore('workspace', () => {
  const app = useAppStore();
  const files = reactive<Record<string, OpenFile>>({});
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Files with a save or reset on its way to the host, and the change events that came meanwhile. */
  const busy = new Map<string, FileChangedEvent | null>();
  /** The request on its way per file, so a later save waits for it instead of racing it. */
  const inflight = new Map<string, Promise<unknown>>();
  const key = (labId: string, name: string) => `${labId}/${name}`;

  async function open(labId: string, name: string): Promise<OpenFile> {
    const k = key(labId, name);
    if (!files[k]) {
      files[k] = {
        labId, name, text: '', diskText: '', diskVersion: '', status: 'loading', error: null,
        conflict: null, conflictVersion: null, revision: 0, checked: null, building: false,
      };
    }
    const f = files[k];
    if (f.status === 'loading' || f.status === 'error') {
      try {
        const wf = await app.need().readLabFile(labId, name);
        f.text = f.diskText = wf.text;
        f.diskVersion = wf.version;
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

  function schedule(f: OpenFile): void {
    const k = key(f.labId, f.name);
    clearTimeout(timers.get(k));
    timers.delete(k);
    // While a conflict waits for the student's choice, nothing is saved over the other version.
    if (f.status === 'dirty' && f.conflict === null) timers.set(k, setTimeout(() => void save(f), AUTOSAVE_MS));
  }

  function edit(f: OpenFile, text: string): void {
    if (text === f.text) return;
    f.text = text;
    if (f.status !== 'saving') f.status = text === f.diskText ? 'saved' : 'dirty';
    schedule(f);
  }

  /** Run a request that changes the file on disk; change events that arrive meanwhile wait for it. */
  async function changing<T>(f: OpenFile, run: () => Promise<T>): Promise<T> {
    const k = key(f.labId, f.name);
    busy.set(k, null);
    const request = run();
    inflight.set(k, request.catch(() => {}));
    try {
      return await request;
    } finally {
      inflight.delete(k);
      const deferred = busy.get(k);
      busy.delete(k);
      if (deferred) onFileChanged(deferred);
    }
  }

  async function save(f: OpenFile, opts: { keepTheirs?: boolean } = {}): Promise<void> {
    const k = key(f.labId, f.name);
    clearTimeout(timers.get(k));
    timers.delete(k);
    // A save or reset is on its way: this one follows it, from the version it leaves on disk.
    while (inflight.has(k)) await inflight.get(k);
    if (f.conflict !== null && !opts.keepTheirs) return;
    if (f.text === f.diskText && !opts.keepTheirs) {
      if (f.status !== 'error') f.status = 'saved';
      return;
    }
    const text = f.text;
    const base = opts.keepTheirs && f.conflictVersion ? f.conflictVersion : f.diskVersion;
    f.status = 'saving';
    try {
      const out = await changing(f, async () => {
        const written = await app.need().writeLabFile(f.labId, f.name, text, { baseVersion: base, ...(opts.keepTheirs ? { backupReplaced: true } : {}) });
        // Before the change events that came meanwhile are looked at: the host announces a save
        // before it answers, so one of them is this save's echo, known by this version.
        f.diskText = text;
        f.diskVersion = written.version;
        return written;
      });
      f.error = null;
      if (opts.keepTheirs) {
        f.conflict = f.conflictVersion = null;
        if (out.backup) app.notify(`Your version is saved; the other one is kept in ${out.backup.split(/[\\/]/).pop()}`);
      }
      f.status = f.text === text ? 'saved' : 'dirty';
      schedule(f);
    } catch (err) {
      if (isStaleWrite(err)) {
        // Saved elsewhere since we loaded: keep our text in the editor and ask.
        f.status = 'dirty';
        await showConflict(f);
      } else {
        f.status = 'error';
        f.error = `Not saved: ${messageOf(err)}`;
      }
    }
  }

  async function showConflict(f: OpenFile, theirs?: { text: string; version: string }): Promise<void> {
    let other = theirs;
    if (!other) {
      try {
        const wf = await app.need().readLabFile(f.labId, f.name);
        other = { text: wf.text, version: wf.version };
      } catch (err) {
        f.status = 'error';
        f.error = `Not saved: ${messageOf(err)}`;
        return;
      }
    }
    if (other.text === f.text) {
      // Both sides hold the same text: nothing to choose.
      f.diskText = other.text;
      f.diskVersion = other.version;
      f.conflict = f.conflictVersion = null;
      f.status = 'saved';
      return;
    }
    f.conflict = other.text;
    f.conflictVersion = other.version;
    clearTimeout(timers.get(key(f.labId, f.name)));
  }

  /** Flush pending autosaves (before building or grading). */
  async function flush(labId: string): Promise<void> {
    await Promise.all(Object.values(files).filter((f) => f.labId === labId && f.text !== f.diskText).map((f) => save(f)));
  }

  async function reset(f: OpenFile): Promise<void> {
    // Unsaved edits go to disk first, so the backup the reset keeps holds them (after a conflict,
    // the other version is backed up by that save, and ours by the reset).
    await save(f, f.conflict !== null ? { keepTheirs: true } : {});
    const r = await changing(f, async () => {
      const done = await app.need().resetLabFile(f.labId, f.name);
      // As in save: the reset's own echo must find its version already recorded.
      f.text = f.diskText = done.text;
      f.diskVersion = done.version;
      return done;
    });
    f.status = 'saved';
    f.conflict = f.conflictVersion = null;
    f.revision++;
    app.notify(r.backup ? `Starter restored; your previous code is in ${r.backup.split(/[\\/]/).pop()}` : 'Starter restored');
  }

  /** Keep the diagnostics of the text that was just checked (by a build or a grading run). */
  function recordCheck(f: OpenFile, text: string, result: Pick<BuildResult, 'ok' | 'diagnostics'>, from: VersionedDiagnostics['from']): void {
    f.checked = { text, ok: result.ok, diagnostics: result.diagnostics, from };
  }

  async function build(labId: string, f: OpenFile): Promise<void> {
    f.building = true;
    try {
      await flush(labId);
      const text = f.diskText;
      recordCheck(f, text, await app.need().buildLab(labId), 'build');
    } catch (err) {
      app.notify(`Build failed: ${messageOf(err)}`, 'error');
    } finally {
      f.building = false;
    }
  }

  function takeDisk(f: OpenFile): void {
    if (f.conflict === null) return;
    f.text = f.diskText = f.conflict;
    f.diskVersion = f.conflictVersion ?? f.diskVersion;
    f.conflict = f.conflictVersion = null;
    f.status = 'saved';
    f.revision++;
  }

  function keepMine(f: OpenFile): void {
    if (f.conflict === null) return;
    void save(f, { keepTheirs: true });
  }

  function onFileChanged(e: FileChangedEvent): void {
    const k = key(e.labId, e.name);
    const f = files[k];
    if (!f || f.status === 'loading') return;
    if (busy.has(k)) {
      // Our own save or reset is on its way (this may be its echo): decide once it lands.
      busy.set(k, e);
      return;
    }
    if (e.version === f.diskVersion) return; // what we already have on disk (our own save echoed)
    if (e.text === f.text) {
      f.diskText = e.text;
      f.diskVersion = e.version;
      f.conflict = f.conflictVersion = null;
      f.status = 'saved';
      return;
    }
    if (f.text === f.diskText && f.conflict === null) {
      f.text = f.diskText = e.text;
      f.diskVersion = e.version;
      f.status = 'saved';
      f.revision++;
      app.notify(`${e.name} was saved in another window or editor — reloaded`);
      return;
    }
    void showConflict(f, { text: e.text, version: e.version });
  }

  app.onEvent((e) => {
    if (e.type === 'file-changed') onFileChanged(e);
  });

  return { files, open, edit, save, flush, reset, build, recordCheck, takeDisk, keepMine };
});
