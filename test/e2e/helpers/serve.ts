/** Runs a real `paxlab serve` child process on a fresh workspace and reads the URL it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './renderer-build.js';

export interface Served {
  url: string;
  workspace: string;
  child: ChildProcess;
  /** What the server wrote to stderr (for failure messages). */
  stderr(): string;
  stop(): Promise<void>;
}

export async function startServe(timeoutMs = 60_000): Promise<Served> {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'paxlab-e2e-ws-'));
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/paxlab.js'), 'serve', '--port', '0', '--workspace', workspace], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`paxlab serve printed no URL in ${timeoutMs} ms:\n${err}`)), timeoutMs);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /PaxLab serving at (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`paxlab serve exited with ${code}:\n${err}`));
    });
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const hard = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(hard);
    }
    rmSync(workspace, { recursive: true, force: true });
  };
  return { url, workspace, child, stderr: () => err, stop };
}
