#!/usr/bin/env node
// Supply-chain guard for node-ipc, whose history includes protestware (10.1.1–10.1.2, 11.x with
// `peacenotwar`). npm does not verify lockfile hashes on its own here, so CI checks that the lockfile
// holds exactly the audited release, with its audited integrity, and nothing that release never had.
// Usage: node scripts/check-supply-chain.js [package-lock.json] [package.json]  → exit 0 clean, 1 not.
import { readFileSync } from 'node:fs';

export const NODE_IPC_VERSION = '12.0.0';
export const NODE_IPC_INTEGRITY =
  'sha512-QHJ2gAJiqA3cM7cQiRjLsfCOBRB0TwQ6axYD4FSllQWipEbP6i7Se1dP8EzPKk5J1nCe27W69eqPmCoKyQ61Vg==';
/** Packages known to have shipped node-ipc's protestware payload. */
const BANNED = ['peacenotwar', 'oneday-test'];

/** Every problem with a lockfile and manifest, as readable sentences; empty when clean. */
export function supplyChainProblems(lockText, manifestText) {
  const problems = [];
  for (const name of BANNED) {
    if (lockText.includes(name)) problems.push(`the lockfile mentions ${name}, node-ipc's protestware payload`);
  }
  const lock = JSON.parse(lockText);
  const entries = Object.entries(lock.packages ?? {}).filter(([p]) => p === 'node_modules/node-ipc' || p.endsWith('/node_modules/node-ipc'));
  if (entries.length === 0) problems.push('the lockfile holds no node-ipc at all');
  for (const [where, entry] of entries) {
    if (entry.version !== NODE_IPC_VERSION) problems.push(`${where} is ${entry.version}, not the audited ${NODE_IPC_VERSION}`);
    if (entry.integrity !== NODE_IPC_INTEGRITY) problems.push(`${where} has integrity ${entry.integrity}, not the audited one`);
    if (entry.resolved && !/^https:\/\/registry\.npmjs\.org\/node-ipc\/-\/node-ipc-12\.0\.0\.tgz$/.test(entry.resolved)) {
      problems.push(`${where} resolves to ${entry.resolved}, not the registry's 12.0.0 tarball`);
    }
  }
  const manifest = JSON.parse(manifestText);
  if (manifest.dependencies?.['node-ipc'] !== NODE_IPC_VERSION) {
    problems.push(`package.json must pin node-ipc to exactly ${NODE_IPC_VERSION}, has ${manifest.dependencies?.['node-ipc']}`);
  }
  if (manifest.overrides?.['node-ipc'] !== NODE_IPC_VERSION) {
    problems.push(`package.json must override node-ipc to ${NODE_IPC_VERSION} for every dependent`);
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [lockPath = 'package-lock.json', manifestPath = 'package.json'] = process.argv.slice(2);
  const problems = supplyChainProblems(readFileSync(lockPath, 'utf8'), readFileSync(manifestPath, 'utf8'));
  for (const p of problems) console.error(`supply-chain: ${p}`);
  if (problems.length === 0) console.log(`supply-chain: node-ipc ${NODE_IPC_VERSION} pinned, integrity verified, no protestware`);
  process.exit(problems.length === 0 ? 0 : 1);
}
