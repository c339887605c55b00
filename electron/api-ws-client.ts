/**
 * The renderer's PaxLabApi over the WebSocket JSON-RPC of `paxlab serve` (browser mode).
 * Browser-safe: uses only the global WebSocket (Node 22+ and every browser have one; tests may pass
 * the `ws` package's class in).
 *
 * Calls made while disconnected wait for the (re)connection; a dropped connection rejects the calls
 * in flight with `unavailable` and reconnects with backoff, so a restarted server is picked up.
 */
import {
  API_METHODS,
  ApiError,
  WS_PATH,
  unwrapReply,
  type ApiMethod,
  type AppEvent,
  type AppEventListener,
  type PaxLabApi,
  type RpcEventFrame,
  type RpcRequest,
  type RpcResponse,
} from './api.js';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface WebSocketApi extends PaxLabApi {
  readonly state: ConnectionState;
  /** Called on every connection state change; returns the unsubscribe function. */
  onStateChange(listener: (state: ConnectionState) => void): () => void;
  /** Close for good (no reconnect); calls in flight are rejected. */
  close(): void;
}

type WebSocketLike = {
  readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
};
type WebSocketCtor = new (url: string) => WebSocketLike;

export interface WebSocketApiOptions {
  /** The WebSocket class (defaults to the global one). */
  WebSocket?: WebSocketCtor;
  /** Longest wait between reconnection attempts (ms). */
  maxBackoffMs?: number;
}

/** The page's own server and token (`?token=` in the URL `paxlab serve` printed). */
export function connectionFromLocation(loc: { protocol: string; host: string; search: string }): { url: string; token: string | null } {
  const token = new URLSearchParams(loc.search).get('token');
  return { url: `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}${WS_PATH}`, token };
}

/** `url`: the server's http(s):// or ws(s):// address (the API path is added when missing). */
export function createWebSocketApi(url: string, token: string, options: WebSocketApiOptions = {}): WebSocketApi {
  const WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
  if (!WS) throw new Error('no WebSocket implementation available');
  const maxBackoff = options.maxBackoffMs ?? 5000;

  const target = new URL(url);
  if (target.protocol === 'http:') target.protocol = 'ws:';
  if (target.protocol === 'https:') target.protocol = 'wss:';
  if (target.pathname === '/' || target.pathname === '') target.pathname = WS_PATH;
  target.search = '';
  target.searchParams.set('token', token);
  const wsUrl = target.toString();

  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  const queue: string[] = [];
  const listeners = new Set<AppEventListener>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  let socket: WebSocketLike | null = null;
  let state: ConnectionState = 'closed';
  let closedForGood = false;
  let nextId = 1;
  let backoff = 200;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const setState = (s: ConnectionState) => {
    if (s === state) return;
    state = s;
    for (const l of stateListeners) l(s);
  };

  const connect = () => {
    if (closedForGood || socket) return;
    setState('connecting');
    const ws = new WS(wsUrl);
    socket = ws;
    ws.onopen = () => {
      backoff = 200;
      setState('open');
      for (const frame of queue.splice(0)) ws.send(frame);
    };
    ws.onmessage = (ev) => onFrame(String(ev.data));
    ws.onerror = () => {
      /* onclose follows and handles it */
    };
    ws.onclose = () => {
      socket = null;
      for (const [, p] of pending) p.reject(new ApiError('unavailable', 'connection to PaxLab lost'));
      pending.clear();
      setState('closed');
      if (!closedForGood && retryTimer === null) {
        retryTimer = setTimeout(() => {
          retryTimer = null;
          connect();
        }, backoff);
        backoff = Math.min(backoff * 2, maxBackoff);
      }
    };
  };

  const onFrame = (data: string) => {
    let frame: Partial<RpcResponse & RpcEventFrame>;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (frame.event) {
      const event = frame.event as AppEvent;
      for (const l of listeners) {
        try {
          l(event);
        } catch (err) {
          console.error('PaxLab event listener failed', err);
        }
      }
      return;
    }
    if (typeof frame.id === 'number') {
      const p = pending.get(frame.id);
      if (!p) return;
      pending.delete(frame.id);
      try {
        p.resolve(unwrapReply(frame.reply as RpcResponse['reply']));
      } catch (err) {
        p.reject(err);
      }
    }
  };

  const call = (method: ApiMethod, args: unknown[]): Promise<unknown> => {
    if (closedForGood) return Promise.reject(new ApiError('unavailable', 'PaxLab connection closed'));
    const id = nextId++;
    const frame = JSON.stringify({ id, method, args } satisfies RpcRequest);
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      if (socket && socket.readyState === 1) socket.send(frame);
      else {
        queue.push(frame);
        connect();
      }
    });
  };

  const api = {
    get state() {
      return state;
    },
    onStateChange(listener: (s: ConnectionState) => void) {
      stateListeners.add(listener);
      return () => void stateListeners.delete(listener);
    },
    onEvent(listener: AppEventListener) {
      listeners.add(listener);
      connect();
      return () => void listeners.delete(listener);
    },
    close() {
      closedForGood = true;
      if (retryTimer) clearTimeout(retryTimer);
      for (const [, p] of pending) p.reject(new ApiError('unavailable', 'PaxLab connection closed'));
      pending.clear();
      queue.length = 0;
      socket?.close();
      setState('closed');
    },
  };
  const methods = Object.fromEntries(API_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)]));
  Object.assign(api, methods);
  connect();
  return api as WebSocketApi;
}
