import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { API_CHANNELS, API_METHODS, EVENT_CHANNEL, unwrapReply, type AppEvent, type AppEventListener, type PaxLabApi } from '../api.js';

/** The PaxLabApi over Electron IPC: one invoke per method, one event channel for the stream. */
export function buildPreloadApi(ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>): PaxLabApi {
  const api: Record<string, unknown> = {};
  for (const method of API_METHODS) {
    api[method] = async (...args: unknown[]) => unwrapReply(await ipc.invoke(API_CHANNELS[method], ...args));
  }
  api.onEvent = (listener: AppEventListener) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    const handler = (_event: IpcRendererEvent, appEvent: AppEvent) => listener(appEvent);
    ipc.on(EVENT_CHANNEL, handler);
    return () => void ipc.removeListener(EVENT_CHANNEL, handler);
  };
  return Object.freeze(api) as unknown as PaxLabApi;
}
