import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { WS_PATH, type AppEvent, type PaxLabService, type RpcEventFrame, type RpcRequest, type RpcResponse } from '../../api.js';
import { dispatchCall } from './rpc-dispatch.js';

/** Big enough for an imported trace (api.ts caps its text at 64 MiB), small enough to refuse abuse. */
const MAX_PAYLOAD = 80 * 1024 * 1024;
/** A client that stops reading loses events rather than growing our memory without bound. */
const MAX_BUFFERED = 32 * 1024 * 1024;

export function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The PaxLabApi as JSON-RPC over WebSocket: requests `{id, method, args}`, responses `{id, reply}`,
 * pushed events `{event}`. A connection must carry the session token and come from our own origin.
 */
export class WsBridge {
  readonly wss: WebSocketServer;

  constructor(
    private readonly service: PaxLabService,
    private readonly token: string,
    private readonly allowedOrigins: () => string[],
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });
    this.wss.on('connection', (ws) => this.serve(ws));
  }

  /** Whether an upgrade request may connect: our path, our token, our origin (or none, for tools). */
  accepts(req: IncomingMessage): { ok: true } | { ok: false; status: number; reason: string } {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== WS_PATH) return { ok: false, status: 404, reason: 'Not Found' };
    if (!sameToken(url.searchParams.get('token'), this.token)) return { ok: false, status: 401, reason: 'Unauthorized' };
    const origin = req.headers.origin;
    if (origin !== undefined && !this.allowedOrigins().includes(origin)) return { ok: false, status: 403, reason: 'Forbidden' };
    return { ok: true };
  }

  private serve(ws: WebSocket): void {
    const send = (frame: RpcResponse | RpcEventFrame) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(JSON.stringify(frame));
    };
    const unsubscribe = this.service.subscribe((event: AppEvent) => {
      if (ws.bufferedAmount > MAX_BUFFERED) return;
      send({ event });
    });
    ws.on('close', unsubscribe);
    ws.on('error', () => ws.terminate());
    ws.on('message', async (data, isBinary) => {
      let req: Partial<RpcRequest>;
      try {
        if (isBinary) throw new Error('binary');
        req = JSON.parse(data.toString());
        if (typeof req !== 'object' || req === null || typeof req.id !== 'number') throw new Error('no id');
      } catch {
        send({ id: -1, reply: { ok: false, error: { code: 'bad-argument', message: 'a request is JSON {id, method, args}' } } });
        return;
      }
      const reply = await dispatchCall(this.service, req.method, req.args);
      send({ id: req.id, reply });
    });
  }

  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}
