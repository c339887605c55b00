/** Replaying a recorded real-cluster run with the same node code (docs/history.md). */
export { replayClusterTrace, replayText, type Divergence, type ReplayOptions, type ReplayReport, type ReplayedOutput } from './replay.js';
export { nodeLives, type NodeLife } from './plan.js';
export { referenceNodeFor } from './reference-node.js';
