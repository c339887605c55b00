export { runSearch, type SearchReport, type SearchViolation, type SearchHooks } from './search.js';
export type { SearchOptions, SearchRoles } from './model.js';
export { cloneState, stateKey, UncloneableStateError } from './state-codec.js';
