/**
 * `paxlab autograder <lab-id> --out autograder.zip`: build a Gradescope autograder package for one
 * lab (docs/autograder.md). The package installs PaxLab offline (setup.sh) and grades each
 * submission with the hidden tests (run_autograder). Built from this installation, which must hold
 * the lab's hidden traces (the repository or an instructor build).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../main.js';
import { LabError, loadLab, paxlabRoot } from '../../engine/labs/index.js';
import { PackageError, packageEntries, paxlabVersion, platformTag, writeZip } from '../../engine/autograder/index.js';

/** Oldest Node major version PaxLab runs on (package.json `engines`). */
export const NODE_MAJOR = 20;

export async function run(labId: string, opts: { out: string; node?: string | boolean }): Promise<number> {
  let lab;
  try {
    lab = await loadLab(labId);
  } catch (e) {
    if (e instanceof LabError) throw new UsageError(e.message);
    throw e;
  }
  const nodeBinary = chooseNode(opts.node);
  const root = paxlabRoot();
  let entries;
  try {
    entries = packageEntries({ root, lab, nodeBinary, nodeMajor: NODE_MAJOR, version: paxlabVersion(root) });
  } catch (e) {
    if (e instanceof PackageError) throw new UsageError(e.message);
    throw e;
  }
  await writeZip(opts.out, entries);
  const mb = (statSync(opts.out).size / 1e6).toFixed(1);
  process.stdout.write(
    `autograder for lab '${lab.id}' written to ${opts.out} (${mb} MB, ${entries.length} files, for ${platformTag()}, ` +
      `${nodeBinary ? `with Node ${process.version}` : "using the image's node"})\n` +
      `upload it as the assignment's autograder on Gradescope (see docs/autograder.md)\n`,
  );
  return 0;
}

/** The Node binary to ship: --node FILE, none with --no-node, else the one running this command. */
function chooseNode(flag: string | boolean | undefined): string | null {
  if (flag === false) return null;
  if (typeof flag === 'string') {
    const file = path.resolve(flag);
    try {
      if (!statSync(file).isFile()) throw new Error();
    } catch {
      throw new UsageError(`--node: ${flag} is not a file`);
    }
    return file;
  }
  if (process.versions.electron) throw new UsageError('this command runs inside Electron: pass --node FILE (a Node binary for the grader) or --no-node');
  return process.execPath;
}
