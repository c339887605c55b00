// The preload (bundled to dist/electron/preload.cjs): exposes exactly the PaxLabApi's named functions
// to the isolated renderer as `window.paxlab`. Nothing generic (no raw ipcRenderer) crosses over.
import { contextBridge, ipcRenderer } from 'electron';
import { buildPreloadApi } from './preload-api.js';

contextBridge.exposeInMainWorld('paxlab', buildPreloadApi(ipcRenderer));
