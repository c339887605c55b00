/** `paxlab chapter list|run` as a student and an instructor use them, through the built CLI. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTrace } from '../../electron/engine/trace/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'paxlab-chapter-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin', 'paxlab.js'), ...args], { cwd: root }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('chapter list names each chapter, its handler and its symptom', async () => {
  const r = await cli(['chapter', 'list']);
  expect(r.code).toBe(0);
  expect(r.stdout.match(/^\s+\d+ {2}chapter-\d/gm)).toHaveLength(10);
  expect(r.stdout).toMatch(/chapter-4 +A crash and a takeover[^\n]*\n +edit onClientRequest; the naive protocol shows: two clients hold the lock at once/);
});

test("chapter run plays the naive protocol's story: the symptom named, exit 1; the trace written", async () => {
  const trace = path.join(dir, 'c1.jsonl');
  const r = await cli(['chapter', 'run', 'chapter-1', '--trace', trace]);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toMatch(/FAIL linearizable: two clients' views of the log are not prefixes of each other — c1 saw m1 and c2 saw m2/);
  expect(r.stdout).toMatch(/^ {2}1\. C1 sends m1 to S1/m);
  expect(readTrace(trace)[0]).toMatchObject({ source: 'sim', clients: ['c1', 'c2'], model: 'log' });
});

test('chapter run --module builds a student file and runs it on real processes', async () => {
  const mine = path.join(dir, 'my-fix.ts');
  copyFileSync(path.join(root, 'labs/chapter-2-leader/reference/node.ts'), mine);
  const ok = await cli(['chapter', 'run', 'chapter-2', '--module', mine, '--json']);
  expect(ok.code, ok.stderr).toBe(0);
  expect(JSON.parse(ok.stdout)).toMatchObject({ chapter: 'chapter-2', source: 'cluster', passed: true, error: null });
  const broken = path.join(dir, 'broken.ts');
  writeFileSync(broken, "export class Node { onStart(): void { const x: number = 'no'; } }\n");
  const bad = await cli(['chapter', 'run', 'chapter-2', '--module', broken]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/broken\.ts:1:\d+/);
}, 60_000);

test('a module that hangs in a handler ends the run with the reason, not a stuck command', async () => {
  const hang = path.join(dir, 'hang.ts');
  writeFileSync(
    hang,
    "import type { ClientRequest, NodeContext, NodeId, PaxosNode } from '@paxlab/sdk';\n" +
      'export class Node implements PaxosNode<never> {\n  constructor(private readonly ctx: NodeContext<never>) {}\n  onStart(): void {}\n' +
      "  onMessage(_f: NodeId, _m: never): void {}\n  onTimer(): void {}\n  onClientRequest(r: ClientRequest): void {\n    for (;;) if (r.id === 'never') break;\n  }\n}\n",
  );
  const r = await cli(['chapter', 'run', 'chapter-1', '--module', hang]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/could not go on: S1 stopped while the script waited for it: node 1 hung/);
}, 60_000);

test('chapter story tells a seed story message by message, with its narration', async () => {
  const names = await cli(['chapter', 'story', 'chapter-9']);
  expect(names.stdout.trim().split('\n')).toContain('example-2-later-round-keeps-5');
  const r = await cli(['chapter', 'story', 'chapter-9', 'example-2-later-round-keeps-5']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^ {2}P2 → A1 accept\(2,5\)$/m);
  expect(r.stdout).toMatch(/So P2 must propose 5, not 7/);
});

test('bad input: an unknown chapter or script is a usage error', async () => {
  // The error lists the ids the command takes (chapter-3, not its folder's name chapter-3-retransmission).
  const unknown = (await cli(['chapter', 'run', 'chapter-99'])).stderr;
  expect(unknown).toMatch(/no chapter with id 'chapter-99' \(chapters: chapter-0, chapter-1, chapter-2, .*chapter-9\)/);
  expect(unknown).not.toMatch(/chapter-3-retransmission/);
  const r = await cli(['chapter', 'run', 'chapter-3', '--script', 'nope']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/chapter 'chapter-3' has no script 'nope' \(scripts: story\)/);
});
