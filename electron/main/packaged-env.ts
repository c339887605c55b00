/**
 * Imported first by main.ts: in a packaged app, point esbuild at its native binary in
 * app.asar.unpacked (a binary cannot run from inside the asar archive, and esbuild reads this
 * variable when it is loaded, so this must run before anything imports it).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { app } from 'electron';

export function unpackedEsbuildBinary(resourcesPath: string, platform = process.platform, arch = process.arch): string {
  const bin = platform === 'win32' ? 'esbuild.exe' : path.join('bin', 'esbuild');
  return path.join(resourcesPath, 'app.asar.unpacked', 'node_modules', '@esbuild', `${platform}-${arch}`, bin);
}

if (app?.isPackaged && process.resourcesPath && !process.env.ESBUILD_BINARY_PATH) {
  const bin = unpackedEsbuildBinary(process.resourcesPath);
  if (existsSync(bin)) process.env.ESBUILD_BINARY_PATH = bin;
}
