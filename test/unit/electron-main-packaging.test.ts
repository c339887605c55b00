/** The packaging settings (electron-builder.yml) and where the packaged app finds its parts. */
import { describe, expect, it, vi } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { appPaths } from '../../electron/main/lifecycle.js';
import { unpackedEsbuildBinary } from '../../electron/main/packaged-env.js';

vi.mock('electron', () => ({ app: { isPackaged: false } }));

const root = fileURLToPath(new URL('../..', import.meta.url));
// js-yaml comes with electron-builder.
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): any };
const config = yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8'));

describe('electron-builder.yml', () => {
  it('names the app and its id', () => {
    expect(config.productName).toBe('PaxLab');
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/);
  });

  it('packs the bundles, the built renderer and package.json', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist/**', 'renderer/dist/**', 'package.json']));
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist/electron/main.cjs');
    expect(pkg.scripts.dist).toContain('electron-builder --config electron-builder.yml');
  });

  it('ships the labs (and the SDK inside them) and the node programs as resources', () => {
    const labs = config.extraResources.find((r: any) => r.from === 'labs');
    expect(labs?.to).toBe('labs');
    const dist = config.extraResources.find((r: any) => r.from === 'dist');
    expect(dist?.filter).toEqual(expect.arrayContaining(['node.js', 'sandbox.js']));
    expect(existsSync(path.join(root, 'labs', 'sdk', 'index.ts'))).toBe(true);
  });

  it('unpacks binary dependencies from the asar', () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/esbuild/**', 'node_modules/@esbuild/**', 'node_modules/typescript/**', '**/*.node']));
  });

  it('builds AppImage and deb for Linux, nsis for Windows, dmg for macOS', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
  });
});

describe('app paths', () => {
  const fakeApp = (isPackaged: boolean) => ({ isPackaged, getAppPath: () => '/opt/PaxLab/resources/app.asar' }) as never;

  it('finds the engine resources under process.resourcesPath when packaged', () => {
    const p = appPaths(fakeApp(true), '/opt/PaxLab/resources');
    expect(p.engineRoot).toBe('/opt/PaxLab/resources');
    expect(p.rendererDir).toBe(path.join('/opt/PaxLab/resources/app.asar', 'renderer', 'dist'));
    expect(p.preload).toBe(path.join('/opt/PaxLab/resources/app.asar', 'dist', 'electron', 'preload.cjs'));
  });

  it('uses the checkout itself in development', () => {
    expect(appPaths(fakeApp(false), '/whatever').engineRoot).toBe('/opt/PaxLab/resources/app.asar');
  });
});

describe('packaged esbuild', () => {
  it('runs the native binary from app.asar.unpacked (covered by asarUnpack)', () => {
    expect(unpackedEsbuildBinary('/opt/PaxLab/resources', 'linux', 'x64')).toBe(
      path.join('/opt/PaxLab/resources', 'app.asar.unpacked', 'node_modules', '@esbuild', 'linux-x64', 'bin', 'esbuild'),
    );
    expect(unpackedEsbuildBinary('C:\\PaxLab\\resources', 'win32', 'x64').endsWith('esbuild.exe')).toBe(true);
    // The same layout as the installed package here.
    const here = path.join(root, 'node_modules', '@esbuild', `${process.platform}-${process.arch}`);
    expect(existsSync(here)).toBe(true);
  });
});
