// The renderer sees the engine only through the typed API (and the trace format it re-exports).
export type * from '../../../electron/api.js';
