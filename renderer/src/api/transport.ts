/**
 * Picks the transport to the engine: the Electron preload's `window.paxlab` when present, otherwise
 * the WebSocket client of `paxlab serve`, with the session token from the page URL (or a config the
 * host injected as `window.__PAXLAB__`). The rest of the renderer only sees `PaxLabApi`.
 */
import type { PaxLabApi } from './types.js';
import { connectionFromLocation, createWebSocketApi, type ConnectionState } from '../../../electron/api-ws-client.js';

declare global {
  interface Window {
    paxlab?: PaxLabApi;
    __PAXLAB__?: { url?: string; token?: string };
  }
}

export type { ConnectionState };

export interface Transport {
  api: PaxLabApi;
  kind: 'electron' | 'websocket';
  /** Connection changes (Electron IPC is always 'open'). */
  onState(listener: (s: ConnectionState) => void): void;
  initialState: ConnectionState;
}

export function createTransport(win: Window = window): Transport {
  if (win.paxlab) {
    return { api: win.paxlab, kind: 'electron', onState: () => {}, initialState: 'open' };
  }
  const fromUrl = connectionFromLocation(win.location);
  const token = win.__PAXLAB__?.token ?? fromUrl.token;
  if (!token) throw new Error('No session token: open the exact address `paxlab serve` printed (it ends in ?token=…).');
  const ws = createWebSocketApi(win.__PAXLAB__?.url ?? fromUrl.url, token);
  return {
    api: ws,
    kind: 'websocket',
    onState: (l) => void ws.onStateChange(l),
    initialState: ws.state,
  };
}
