/**
 * Browser mode's server (`paxlab serve`): the built renderer over HTTP and the PaxLabApi over a
 * WebSocket, on 127.0.0.1 only. The per-session token is only in the URL we print; without it the
 * page loads but cannot talk to the engine.
 */
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { PaxLabService } from '../../api.js';
import { rendererCsp } from './csp.js';
import { serveStatic } from './static-files.js';
import { WsBridge } from './ws-bridge.js';

export const SERVE_HOST = '127.0.0.1';

export interface AppServerOptions {
  service: PaxLabService;
  /** The built renderer (renderer/dist). */
  rendererDir: string;
  /** 0 (default) = any free port. */
  port?: number;
  /** Fixed token (tests); a fresh random one by default. */
  token?: string;
}

export interface AppServer {
  /** The page URL with the token, e.g. http://127.0.0.1:PORT/?token=… */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly server: Server;
  close(): Promise<void>;
}

export async function startAppServer(opts: AppServerOptions): Promise<AppServer> {
  const token = opts.token ?? randomBytes(24).toString('hex');
  let port = 0;
  const hosts = () => [`${SERVE_HOST}:${port}`, `localhost:${port}`];
  const origins = () => hosts().map((h) => `http://${h}`);
  const bridge = new WsBridge(opts.service, token, origins);

  const server = createServer((req, res) => {
    const csp = rendererCsp([`ws://${SERVE_HOST}:${port}`, `ws://localhost:${port}`]);
    const headers = {
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
    };
    // A foreign Host means DNS rebinding or a proxy: refuse it.
    if (!hosts().includes(req.headers.host ?? '')) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('misdirected request');
      return;
    }
    serveStatic(opts.rendererDir, req, res, headers);
  });

  server.on('upgrade', (req, socket, head) => {
    const verdict = hosts().includes(req.headers.host ?? '') ? bridge.accepts(req) : ({ ok: false, status: 421, reason: 'Misdirected Request' } as const);
    if (!verdict.ok) {
      socket.end(`HTTP/1.1 ${verdict.status} ${verdict.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    bridge.wss.handleUpgrade(req, socket, head, (ws) => bridge.wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, SERVE_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${SERVE_HOST}:${port}/?token=${token}`,
    port,
    token,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        bridge.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
