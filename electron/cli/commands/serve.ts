/**
 * `paxlab serve [--port N] [--workspace dir]`: the app in a browser. Hosts the same engine as the
 * desktop app and the built renderer on 127.0.0.1, with the API over a token-guarded WebSocket.
 * Runs until SIGINT/SIGTERM, then stops every node process and exits 0.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../main.js';
import { AppService } from '../../engine/app/app-service.js';
import { startAppServer } from '../../engine/app/app-server.js';
import { createEnginePorts } from '../../engine/app/engine-ports.js';
import { ensureRendererBuilt } from '../../engine/app/renderer-build.js';
import { paxlabRoot } from '../../engine/labs/paths.js';
import { defaultWorkspaceDir } from '../../engine/workspace/index.js';

interface ServeOptions {
  port?: string;
  workspace?: string;
  open?: boolean;
}

function parsePort(text: string | undefined): number {
  const port = Number(text ?? '0');
  if (!/^\d+$/.test(String(text ?? '0')) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be an integer in 0..65535 (0 = any free port), not '${text}'`);
  }
  return port;
}

export async function run(opts: ServeOptions = {}): Promise<number> {
  const port = parsePort(opts.port);
  const workspaceDir = path.resolve(opts.workspace ?? defaultWorkspaceDir());
  const root = paxlabRoot();
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';

  // PAXLAB_RENDERER_DIR serves a renderer build from elsewhere (development, tests).
  const rendererDir = process.env.PAXLAB_RENDERER_DIR
    ? path.resolve(process.env.PAXLAB_RENDERER_DIR)
    : await ensureRendererBuilt(root, (line) => process.stderr.write(`${line}\n`));
  const service = await AppService.create({ workspaceDir, mode: 'browser', version, ports: createEnginePorts() });
  let server;
  try {
    server = await startAppServer({ service, rendererDir, port });
  } catch (err) {
    await service.shutdown();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use; pick another or use --port 0`);
    throw err;
  }

  process.stdout.write(`PaxLab serving at ${server.url}\n`);
  if (opts.open !== false) {
    process.stderr.write(`Workspace: ${workspaceDir}\nOpen the address above in a browser; press Ctrl+C to stop.\n`);
  }

  // Our handlers stay installed until the shutdown is done: a signal is ours to handle, and the
  // cluster's own exit hooks must not re-raise it and end the process half-way.
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await stopped;
    await service.shutdown();
    await server.close();
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}
