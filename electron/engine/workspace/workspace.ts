import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { ApiError } from '../../api.js';
import { writeFileAtomic } from './atomic-write.js';
import { ProgressStore } from './progress.js';

export interface FileChange {
  labId: string;
  name: string;
  text: string;
  mtimeMs: number;
}

const LAB_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** Files of ours that live beside the student's and are never reported as their edits. */
const isOwnFile = (name: string) => name.startsWith('.') || name.endsWith('.bak') || name.endsWith('.tmp');

/**
 * The student's workspace folder: one sub-folder per lab with the files they edit (copied from the
 * starter on first open), `progress.json`, and `traces/` for exported and imported traces.
 *
 * Writes are atomic; a reset keeps the previous text as `<name>.bak`. Edits made on disk by another
 * editor are reported through `watch()`; our own writes are not echoed back.
 */
export class Workspace {
  readonly progress: ProgressStore;
  /** What we last wrote or read per file, to tell our writes from external edits. */
  private known = new Map<string, string>();
  private watcher: FSWatcher | null = null;

  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
    this.progress = new ProgressStore(path.join(root, 'progress.json'));
  }

  get tracesDir(): string {
    const dir = path.join(this.root, 'traces');
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  labDir(labId: string): string {
    if (!LAB_ID.test(labId)) throw new ApiError('bad-argument', `not a lab id: ${labId}`);
    return path.join(this.root, labId);
  }

  filePath(labId: string, name: string): string {
    if (!FILE_NAME.test(name) || name.includes('..') || isOwnFile(name)) {
      throw new ApiError('bad-argument', `not a plain file name: ${name}`);
    }
    return path.join(this.labDir(labId), name);
  }

  /** Read the student's file, creating it from `starter` on first open. */
  open(labId: string, name: string, starter: string): FileChange {
    const file = this.filePath(labId, name);
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileAtomic(file, starter);
      this.progress.markStarted(labId);
    }
    return this.read(labId, name);
  }

  read(labId: string, name: string): FileChange {
    const file = this.filePath(labId, name);
    if (!existsSync(file)) throw new ApiError('not-found', `${labId}/${name} does not exist in the workspace`);
    const text = readFileSync(file, 'utf8');
    this.known.set(file, text);
    return { labId, name, text, mtimeMs: statSync(file).mtimeMs };
  }

  write(labId: string, name: string, text: string): { mtimeMs: number; bytes: number } {
    const file = this.filePath(labId, name);
    mkdirSync(path.dirname(file), { recursive: true });
    this.known.set(file, text);
    writeFileAtomic(file, text);
    this.progress.markStarted(labId);
    return { mtimeMs: statSync(file).mtimeMs, bytes: Buffer.byteLength(text) };
  }

  /** Put the starter back; the current text (if any, and if different) is kept as `<name>.bak`. */
  reset(labId: string, name: string, starter: string): FileChange & { backup: string | null } {
    const file = this.filePath(labId, name);
    let backup: string | null = null;
    if (existsSync(file)) {
      const current = readFileSync(file, 'utf8');
      if (current !== starter) {
        backup = `${file}.bak`;
        writeFileAtomic(backup, current);
      }
    }
    this.write(labId, name, starter);
    return { ...this.read(labId, name), backup };
  }

  /** Report external edits of lab files (not ours, not .bak/.tmp, not progress.json). */
  watch(onChange: (change: FileChange) => void): Promise<void> {
    if (this.watcher) return Promise.resolve();
    const watcher = watch(this.root, {
      ignoreInitial: true,
      depth: 1,
      ignored: (p: string) => {
        const rel = path.relative(this.root, p);
        if (rel === '') return false;
        const parts = rel.split(path.sep);
        return parts.some(isOwnFile) || parts[0] === 'traces' || parts[0] === 'progress.json' || parts.length > 2;
      },
      awaitWriteFinish: { stabilityThreshold: 40, pollInterval: 10 },
    });
    this.watcher = watcher;
    const changed = (file: string) => {
      const parts = path.relative(this.root, file).split(path.sep);
      if (parts.length !== 2) return;
      const [labId, name] = parts as [string, string];
      if (!LAB_ID.test(labId) || !FILE_NAME.test(name)) return;
      let text: string;
      let mtimeMs: number;
      try {
        text = readFileSync(file, 'utf8');
        mtimeMs = statSync(file).mtimeMs;
      } catch {
        return; // gone again already
      }
      if (this.known.get(file) === text) return;
      this.known.set(file, text);
      onChange({ labId, name, text, mtimeMs });
    };
    watcher.on('add', changed).on('change', changed);
    return new Promise((resolve) => watcher.once('ready', () => resolve()));
  }

  async close(): Promise<void> {
    const w = this.watcher;
    this.watcher = null;
    await w?.close();
  }
}
