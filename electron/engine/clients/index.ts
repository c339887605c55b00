/** Client sessions and workloads, for the simulator and the real cluster (docs/history.md). */
export * from './messages.js';
export { encodeRequest, decodeResult } from './codec.js';
export { ClientSession, DEFAULT_CLIENT_TIMING, type ClientHost, type ClientRecord, type ClientTiming } from './session.js';
export { ClientGroup } from './group.js';
export {
  parseWorkloadText,
  planWorkload,
  validateWorkloadSpec,
  workloadText,
  WorkloadSpecError,
  WORKLOAD_HELP,
  type ClientPlan,
  type WorkloadSpec,
} from './workload.js';
