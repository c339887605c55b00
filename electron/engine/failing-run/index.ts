export type { FailingRun, TraceHighlight, TraceStep } from './types.js';
export { failingRun, type FailureInfo } from './failing-run.js';
export { violationHighlights } from './highlights.js';
export { counterexampleSteps } from './steps.js';
export { trimRun, MAX_VIEW_EVENTS } from './trim.js';
export { describeEvent, messageText } from './describe.js';
export { failingRunOf, failingRunFileName, replayedSteps } from './of-result.js';
export { roleStepsToTrace, type ReplayStep } from './replay-trace.js';
export { writeFailingRuns, type WrittenRun } from './write-runs.js';
