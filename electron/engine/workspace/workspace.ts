import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { ApiError, STALE_WRITE_TEXT } from '../../api.js';
import { LinkLoopError, resolveLinkTarget, writeFileAtomic } from './atomic-write.js';
import { writeBackup } from './backups.js';
import { fileVersion } from './file-version.js';
import { ProgressStore } from './progress.js';

export interface FileChange {
  labId: string;
  name: string;
  text: string;
  mtimeMs: number;
  /** The text's version (a content hash): what a later write names as the text it replaces. */
  version: string;
}

export interface WriteOptions {
  /** The version this write replaces; when the file on disk is another version, the write is refused. */
  baseVersion?: string;
  /** Keep the text this write replaces as a numbered backup (a conflict resolved as "keep mine"). */
  backupReplaced?: boolean;
}

export interface Written {
  mtimeMs: number;
  bytes: number;
  version: string;
  /** The backup of the replaced text, when one was asked for and the text changed. */
  backup: string | null;
}

const LAB_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** Files of ours that live beside the student's and are never reported as their edits. */
const isOwnFile = (name: string) => name.startsWith('.') || name.endsWith('.bak') || name.endsWith('.tmp');

/**
 * The student's workspace folder: one sub-folder per lab with the files they edit (copied from the
 * starter on first open), `progress.json`, and `traces/` for exported and imported traces.
 *
 * Writes are atomic, keep the file's permission bits and follow symbolic links (the link stays a
 * link). A write may name the version it replaces and is then refused when the file changed since
 * (another window, another editor): nobody's edit is overwritten unseen. A reset keeps the previous
 * text as a numbered backup (`<name>.<n>.bak`), never overwriting an older one. Edits made on disk by
 * another editor are reported through `watch()`; our own writes are not echoed back.
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

  /**
   * Where the student's file really is: the file, or the end of its chain of symbolic links. A
   * dangling link names the file to create; a link into a folder that does not exist is an error
   * that says so (the link is never replaced).
   */
  private target(labId: string, name: string): string {
    const file = this.filePath(labId, name);
    let target: string;
    try {
      target = resolveLinkTarget(file);
    } catch (err) {
      if (err instanceof LinkLoopError) throw new ApiError('conflict', `${labId}/${name} is a symbolic link that loops; fix or remove the link`);
      throw err;
    }
    if (target !== file && !existsSync(path.dirname(target))) {
      throw new ApiError('not-found', `${labId}/${name} is a symbolic link to ${target}, whose folder does not exist; fix or remove the link`);
    }
    return target;
  }

  /** Read the student's file, creating it from `starter` on first open (a dangling link: its target). */
  open(labId: string, name: string, starter: string): FileChange {
    const file = this.filePath(labId, name);
    mkdirSync(path.dirname(file), { recursive: true });
    const target = this.target(labId, name);
    if (!existsSync(target)) {
      writeFileAtomic(target, starter);
      this.progress.markStarted(labId);
    }
    return this.read(labId, name);
  }

  read(labId: string, name: string): FileChange {
    const file = this.filePath(labId, name);
    if (!existsSync(file)) throw new ApiError('not-found', `${labId}/${name} does not exist in the workspace`);
    const text = readFileSync(file, 'utf8');
    this.known.set(file, text);
    return { labId, name, text, mtimeMs: statSync(file).mtimeMs, version: fileVersion(text) };
  }

  /** The text on disk now, or null when there is no file. */
  private current(file: string): string | null {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /**
   * Replace the student's file with `text`. With `baseVersion`, only if the file on disk is still
   * that version: otherwise ApiError 'conflict', and nothing is written.
   */
  write(labId: string, name: string, text: string, opts: WriteOptions = {}): Written {
    const file = this.filePath(labId, name);
    mkdirSync(path.dirname(file), { recursive: true });
    const target = this.target(labId, name);
    const before = this.current(target);
    if (opts.baseVersion !== undefined && before !== null && fileVersion(before) !== opts.baseVersion) {
      throw new ApiError(
        'conflict',
        `${name} ${STALE_WRITE_TEXT} (another window or editor) since this version was loaded; nothing was written`,
      );
    }
    let backup: string | null = null;
    if (opts.backupReplaced && before !== null && before !== text) backup = writeBackup(file, before, statSync(target).mode & 0o7777);
    this.known.set(file, text);
    writeFileAtomic(target, text);
    this.progress.markStarted(labId);
    return { mtimeMs: statSync(target).mtimeMs, bytes: Buffer.byteLength(text), version: fileVersion(text), backup };
  }

  /** Put the starter back; the current text (if any, and if different) is kept as the next numbered backup. */
  reset(labId: string, name: string, starter: string): FileChange & { backup: string | null } {
    const { backup } = this.write(labId, name, starter, { backupReplaced: true });
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
      onChange({ labId, name, text, mtimeMs, version: fileVersion(text) });
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
