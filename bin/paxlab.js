#!/usr/bin/env node
// The `paxlab` command: runs the bundled CLI, building it first on a checkout that has no build yet.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
if (!existsSync(cli)) execFileSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { stdio: 'inherit' });
const { main } = await import(pathToFileURL(cli).href);
process.exitCode = await main(process.argv.slice(2));
