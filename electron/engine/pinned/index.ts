/** Pinned executions: scripts that say exactly what happens, on the simulator and on a real cluster (docs/chapters.md). */
export * from './script.js';
export { pinnedActions, matches, patternText, heldCopyText, PinnedStepError, DEFAULT_SETTLE_MAX, type HarnessView, type HeldView, type ClientView, type PinnedAction, type DeliveryFate } from './core.js';
export { type PinnedRun, type PinnedStepEvents, scriptModel } from './run.js';
export { runPinnedSim, type PinnedSimOptions } from './sim-runner.js';
export { comparable, comparableTrace, firstDifference, type TraceDifference } from './compare.js';
