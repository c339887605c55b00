export { runSearch, type SearchReport, type SearchViolation, type SearchHooks, type SearchGoalReached, type SearchGoalMissed } from './search.js';
export type { SearchGoal, SearchOptions, SearchRoles } from './model.js';
export { cloneState, stateKey, UncloneableStateError } from './state-codec.js';
