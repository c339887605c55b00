/**
 * Histories and their judges: a pure library (no other engine imports, no I/O), usable on any
 * list of events that has `invoke`/`ok`/`fail`/`info` among them — a whole trace will do.
 */
export * from './ops.js';
export * from './history.js';
export { ILLEGAL, type Model, type ModelName } from './model.js';
export { MODELS, MODEL_NAMES, modelFor, kvModel, lockModel, logModel } from './models/index.js';
export {
  checkLinearizability,
  conflictingViews,
  DEFAULT_MAX_MEMO_WORDS,
  DEFAULT_MAX_STEPS,
  type CheckOptions,
  type ConflictingViews,
  type LinearizabilityResult,
} from './linearizability.js';
export { checkExactlyOnce, type ExactlyOnceResult, type KeyAppends } from './exactly-once.js';
export { exactlyOnceText, linearizabilityText, operationText } from './explain.js';
