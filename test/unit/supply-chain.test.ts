import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// @ts-expect-error plain JS script without types
import { supplyChainProblems } from '../../scripts/check-supply-chain.js';

const lock = readFileSync('package-lock.json', 'utf8');
const manifest = readFileSync('package.json', 'utf8');

describe('node-ipc supply chain', () => {
  it('the committed lockfile pins the audited node-ipc and nothing else', () => {
    expect(supplyChainProblems(lock, manifest)).toEqual([]);
  });

  it('fails when peacenotwar appears in the lockfile', () => {
    const bad = JSON.parse(lock);
    bad.packages['node_modules/peacenotwar'] = { version: '9.1.6', integrity: 'sha512-x' };
    const problems: string[] = supplyChainProblems(JSON.stringify(bad), manifest);
    expect(problems.join('\n')).toMatch(/peacenotwar/);
  });

  it('fails on another node-ipc version, even nested under a dependency', () => {
    const bad = JSON.parse(lock);
    bad.packages['node_modules/some-lib/node_modules/node-ipc'] = { version: '11.1.0', integrity: 'sha512-y' };
    const problems: string[] = supplyChainProblems(JSON.stringify(bad), manifest);
    expect(problems.join('\n')).toMatch(/some-lib\/node_modules\/node-ipc is 11\.1\.0/);
  });

  it('fails on a swapped integrity for the right version', () => {
    const bad = JSON.parse(lock);
    bad.packages['node_modules/node-ipc'].integrity = 'sha512-AAAA';
    expect(supplyChainProblems(JSON.stringify(bad), manifest).join('\n')).toMatch(/integrity/);
  });

  it('fails when package.json loosens the pin', () => {
    const m = JSON.parse(manifest);
    m.dependencies['node-ipc'] = '^12.0.0';
    delete m.overrides;
    const problems: string[] = supplyChainProblems(lock, JSON.stringify(m));
    expect(problems).toHaveLength(2);
  });

  it('the CLI script exits non-zero on a bad lockfile', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'paxlab-lock-'));
    try {
      const bad = JSON.parse(lock);
      bad.packages['node_modules/peacenotwar'] = { version: '9.1.6' };
      writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(bad));
      let code = 0;
      try {
        execFileSync(process.execPath, ['scripts/check-supply-chain.js', path.join(dir, 'package-lock.json'), 'package.json'], { stdio: 'pipe' });
      } catch (e) {
        code = (e as { status: number }).status;
      }
      expect(code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
