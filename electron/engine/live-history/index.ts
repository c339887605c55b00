/** The live view of a running cluster's clients: per-client figures and the verdict so far. */
export { ClientStatsFold, quantile, type ClientEvent, type ClientStats } from './client-stats.js';
export { LiveHistory, LIVE_CHECK_STEPS, type LiveClientsState, type LiveHistoryOptions, type LiveVerdict } from './live-history.js';
