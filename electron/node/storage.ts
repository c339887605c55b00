/**
 * A node's stable storage in the real cluster: one JSON file per node, replaced atomically on every
 * save (write a temporary file, fsync it, rename it over the old one), so what a node saved survives
 * SIGKILL and a crash can never leave half a file behind. The folder is not fsync'd: that only
 * matters if the whole machine loses power, and would add a second disk flush to every promise.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { StableStorage } from '@paxlab/sdk';

export class FileStorage implements StableStorage {
  /** The JSON text last saved or loaded; `load` parses it afresh so callers never share objects. */
  private text: string | undefined;

  constructor(
    readonly file: string,
    onProblem: (message: string) => void,
  ) {
    try {
      this.text = readFileSync(file, 'utf8');
      JSON.parse(this.text);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        onProblem(`stable storage ${path.basename(file)} is unreadable (${(err as Error).message}); starting empty, file left as is until the next save`);
      }
      this.text = undefined;
    }
  }

  load<T = unknown>(): T | undefined {
    return this.text === undefined ? undefined : (JSON.parse(this.text) as T);
  }

  save(state: unknown): void {
    const text = JSON.stringify(state);
    if (text === undefined) throw new TypeError('storage.save: the state must be JSON-serializable');
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    this.text = text;
  }

  /** The saved state for the inspector (null when nothing was saved). */
  peek(): unknown {
    return this.text === undefined ? null : JSON.parse(this.text);
  }
}
