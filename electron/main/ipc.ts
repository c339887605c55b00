import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { API_CHANNELS, API_METHODS, EVENT_CHANNEL, type ApiReply, type PaxLabService } from '../api.js';
import { dispatchCall } from '../engine/app/rpc-dispatch.js';

/**
 * One `ipcMain.handle` per API method. A handler checks the caller is our own page, validates the
 * arguments and delegates to the service; it answers with a reply envelope and never throws, so bad
 * input from the renderer is an error for the renderer, never a crash of main.
 */
export function registerIpcHandlers(
  ipcMain: IpcMain,
  service: PaxLabService,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
): () => void {
  for (const method of API_METHODS) {
    ipcMain.handle(API_CHANNELS[method], (event, ...args: unknown[]): Promise<ApiReply> => {
      if (!isTrustedSender(event)) {
        return Promise.resolve({ ok: false, error: { code: 'bad-argument', message: 'calls are accepted from the PaxLab window only' } });
      }
      return dispatchCall(service, method, args);
    });
  }
  return () => {
    for (const method of API_METHODS) ipcMain.removeHandler(API_CHANNELS[method]);
  };
}

/** Push every app event to the live windows. */
export function forwardEvents(service: PaxLabService, targets: () => WebContents[]): () => void {
  return service.subscribe((event) => {
    for (const wc of targets()) if (!wc.isDestroyed()) wc.send(EVENT_CHANNEL, event);
  });
}
