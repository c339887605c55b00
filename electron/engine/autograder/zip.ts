/** Write package entries to a zip file (yazl), keeping Unix modes (setup.sh, run_autograder, binaries). */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { ZipFile } from 'yazl';
import type { PackageEntry } from './contents.js';

/** Fixed time stamp: the same inputs give the same zip. */
const MTIME = new Date('2020-01-01T00:00:00Z');

export async function writeZip(file: string, entries: PackageEntry[]): Promise<void> {
  const zip = new ZipFile();
  for (const e of entries) {
    const opts = { mode: 0o100000 | e.mode, mtime: MTIME };
    if ('text' in e) zip.addBuffer(Buffer.from(e.text), e.zipPath, opts);
    else zip.addFile(e.source, e.zipPath, opts);
  }
  zip.end();
  const tmp = `${file}.part`;
  try {
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(tmp);
      out.on('error', reject);
      out.on('close', () => resolve());
      zip.outputStream.on('error', reject).pipe(out);
    });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
