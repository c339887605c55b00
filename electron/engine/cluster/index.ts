/** The real cluster: node processes, the network hub, the control channel and the supervisor. */
export { startCluster, Cluster, PAUSED_TEXT, RESUMED_TEXT } from './supervisor.js';
export type { ClusterOptions, Durability, NodeProgram, NodeSnapshot } from './supervisor.js';
export type { NodeProtocol } from './node-config.js';
export { runSingleDecreeCluster } from './single-decree-run.js';
export type { ClusterRunOptions } from './single-decree-run.js';
export { Hub, HUB_HOST } from './hub.js';
export type { HubOptions } from './hub.js';
