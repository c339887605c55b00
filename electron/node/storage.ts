/**
 * A node's stable storage in the real cluster: one journal file per node, opened once, to which
 * every save appends one record — the whole state — as a single write:
 *
 *     <crc32 of the JSON, 8 hex digits> <JSON text>\n
 *
 * Loading takes the last record whose checksum matches. A write cut short (the process killed in
 * the middle of it, or, with `fsync`, the machine losing power) leaves a last line without its
 * newline or with a wrong checksum, which is ignored: a crash leaves either the old or the new state,
 * never half of one. When the journal grows past a bound it is compacted to its last record (write
 * a temporary file, rename it over the journal), so a save costs one append, not a file creation.
 *
 * Durability levels (node config `durability`, see docs/wire-protocol.md):
 * - `process` (default): a saved state survives the node process's crash (SIGKILL), which is what
 *   "crash and restart" means in the lab. The data is in the kernel's page cache when `save`
 *   returns, and the kernel outlives the process.
 * - `fsync`: it also survives the machine losing power: every append is followed by fdatasync, and
 *   a compaction fsyncs the new file and the folder.
 */
import { closeSync, fdatasyncSync, fsyncSync, fstatSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { StableStorage } from '@paxlab/sdk';
import type { Durability } from '../engine/cluster/node-config.js';

/** The journal is compacted once it exceeds this many bytes and 8 times its last record. */
const COMPACT_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
const SPACE = 0x20;

export class FileStorage implements StableStorage {
  /** The JSON text last saved or loaded; `load` parses it afresh so callers never share objects. */
  private text: string | undefined;
  private fd: number | null = null;
  private size = 0;
  /** The file holds bytes that are not valid records (damage): rewrite it on the next save. */
  private rewrite = false;

  constructor(
    readonly file: string,
    onProblem: (message: string) => void,
    readonly durability: Durability = 'process',
  ) {
    let bytes: Buffer | null = null;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        onProblem(`stable storage ${path.basename(file)} is unreadable (${(err as Error).message}); starting empty, file left as is until the next save`);
        this.rewrite = true;
      }
    }
    if (bytes && bytes.length > 0) {
      const last = lastRecord(bytes);
      this.text = last?.text;
      this.size = bytes.length;
      // A torn last write (the crash hit mid-save) is expected and silently dropped; anything else
      // the journal cannot explain is reported.
      if (!last || last.end !== bytes.length) this.rewrite = true;
      if (!last) onProblem(`stable storage ${path.basename(file)} holds no valid record; starting empty, file left as is until the next save`);
    }
  }

  load<T = unknown>(): T | undefined {
    return this.text === undefined ? undefined : (JSON.parse(this.text) as T);
  }

  save(state: unknown): void {
    const text = JSON.stringify(state);
    if (text === undefined) throw new TypeError('storage.save: the state must be JSON-serializable');
    const record = encodeRecord(text);
    if (this.rewrite || this.size + record.length > Math.max(COMPACT_BYTES, 8 * record.length)) {
      this.replaceWith(record);
    } else {
      this.append(record);
    }
    this.text = text;
  }

  /** The saved state for the inspector (null when nothing was saved). */
  peek(): unknown {
    return this.text === undefined ? null : JSON.parse(this.text);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private append(record: Buffer): void {
    if (this.fd === null) {
      const created = this.size === 0;
      this.fd = openSync(this.file, 'a');
      this.size = fstatSync(this.fd).size;
      if (created && this.durability === 'fsync') this.syncFolder();
    }
    writeFully(this.fd, record);
    if (this.durability === 'fsync') fdatasyncSync(this.fd);
    this.size += record.length;
  }

  /** Compact (or repair) the journal: a new file holding only `record`, renamed over the old one. */
  private replaceWith(record: Buffer): void {
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeFully(fd, record);
      if (this.durability === 'fsync') fsyncSync(fd);
      renameSync(tmp, this.file);
    } catch (err) {
      closeSync(fd);
      rmSync(tmp, { force: true });
      throw err;
    }
    if (this.durability === 'fsync') this.syncFolder();
    this.close();
    // Keep appending to the new file through the descriptor we already hold open.
    this.fd = fd;
    this.size = record.length;
    this.rewrite = false;
  }

  private syncFolder(): void {
    const dir = openSync(path.dirname(this.file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}

function encodeRecord(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const record = Buffer.allocUnsafe(10 + length);
  record.write(text, 9);
  record.write(crc32(record.subarray(9, 9 + length)).toString(16).padStart(8, '0'), 0, 'latin1');
  record[8] = SPACE;
  record[9 + length] = NEWLINE;
  return record;
}

/** A regular file's write is only ever cut short by a signal or a full disk: finish it or throw. */
function writeFully(fd: number, bytes: Buffer): void {
  let at = 0;
  while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
}

/** The last complete, intact record of a journal, and the byte offset where it ends. */
function lastRecord(bytes: Buffer): { text: string; end: number } | null {
  let best: { text: string; end: number } | null = null;
  let start = 0;
  while (start < bytes.length) {
    const nl = bytes.indexOf(NEWLINE, start);
    if (nl < 0) break;
    const text = recordText(bytes, start, nl);
    if (text !== null) best = { text, end: nl + 1 };
    start = nl + 1;
  }
  return best;
}

function recordText(bytes: Buffer, start: number, nl: number): string | null {
  if (nl - start < 10 || bytes[start + 8] !== SPACE) return null;
  const sum = Number.parseInt(bytes.toString('latin1', start, start + 8), 16);
  if (sum !== crc32(bytes.subarray(start + 9, nl))) return null;
  const text = bytes.toString('utf8', start + 9, nl);
  try {
    JSON.parse(text);
    return text;
  } catch {
    return null;
  }
}

/** The state a journal file holds (what a node restarted on it would load), or undefined. */
export function readStorageFile(file: string): unknown {
  const last = lastRecord(readFileSync(file));
  return last ? JSON.parse(last.text) : undefined;
}
