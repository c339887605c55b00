/**
 * The desktop app's life: security locks, the app:// protocol, the app service, IPC, one window,
 * and a shutdown that kills every node process before the app exits. Takes the electron module as
 * an argument so unit tests can drive it with a mock.
 */
import path from 'node:path';
import type * as Electron from 'electron';
import { AppService } from '../engine/app/app-service.js';
import { rendererCsp } from '../engine/app/csp.js';
import { createEnginePorts } from '../engine/app/engine-ports.js';
import { setPaxlabRoot } from '../engine/labs/paths.js';
import { APP_INDEX, registerAppScheme, serveAppProtocol } from './app-protocol.js';
import { forwardEvents, registerIpcHandlers } from './ipc.js';
import { hardenSession, hardenWebContents, isAppUrl } from './security.js';
import { mainWindowOptions } from './window-options.js';

export type ElectronModule = Pick<typeof Electron, 'app' | 'BrowserWindow' | 'ipcMain' | 'protocol' | 'session'>;

export interface RunningApp {
  service: AppService;
  window: Electron.BrowserWindow;
}

export interface DesktopApp {
  /** Resolves when the window is loaded. */
  ready: Promise<RunningApp>;
  /** Stop clusters and watchers; idempotent. */
  shutdown(): Promise<void>;
}

/** Where the app's parts live: the repo in development, the resources folder when packaged. */
export function appPaths(app: Electron.App, resourcesPath: string | undefined) {
  const appRoot = app.getAppPath();
  return {
    // Labs, the SDK and the node/sandbox bundles ship as unpacked resources (electron-builder.yml).
    engineRoot: app.isPackaged && resourcesPath ? resourcesPath : appRoot,
    rendererDir: path.join(appRoot, 'renderer', 'dist'),
    preload: path.join(appRoot, 'dist', 'electron', 'preload.cjs'),
  };
}

export function startDesktopApp(electron: ElectronModule, env: { resourcesPath?: string } = { resourcesPath: process.resourcesPath }): DesktopApp {
  const { app, BrowserWindow, ipcMain, protocol, session } = electron;
  registerAppScheme(protocol);
  app.enableSandbox();

  let service: AppService | null = null;
  let shutdownPromise: Promise<void> | null = null;
  let shutdownDone = false;

  const shutdown = () =>
    (shutdownPromise ??= (async () => {
      await service?.shutdown();
    })());

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (shutdownDone) return;
    // Hold the quit until every node process is gone.
    event.preventDefault();
    void shutdown().finally(() => {
      shutdownDone = true;
      app.quit();
    });
  });

  const ready = (async (): Promise<RunningApp> => {
    await app.whenReady();
    const paths = appPaths(app, env.resourcesPath);
    setPaxlabRoot(paths.engineRoot);
    const csp = rendererCsp();
    hardenSession(session.defaultSession, csp);
    serveAppProtocol(protocol, paths.rendererDir, csp);

    service = await AppService.create({
      workspaceDir: path.join(app.getPath('userData'), 'workspace'),
      mode: 'electron',
      version: app.getVersion(),
      // Nodes run on Electron's own Node: no system Node needed on a student's machine.
      ports: createEnginePorts({ nodeCommand: { execPath: process.execPath, env: { ELECTRON_RUN_AS_NODE: '1' } } }),
    });
    registerIpcHandlers(ipcMain, service, (event) => isAppUrl(event.senderFrame?.url ?? ''));
    forwardEvents(service, () => BrowserWindow.getAllWindows().map((w) => w.webContents));

    const window = new BrowserWindow(mainWindowOptions(paths.preload));
    window.once('ready-to-show', () => window.show());
    await window.loadURL(APP_INDEX);
    return { service, window };
  })();
  ready.catch((err) => {
    console.error('PaxLab failed to start:', err);
    app.quit();
  });

  return { ready, shutdown };
}
