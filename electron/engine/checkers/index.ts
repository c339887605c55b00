export type { CheckResult } from './types.js';
export { checkAgreement, checkValidity, checkIntegrity, checkChosenInvariant, checkSafety, type ChosenOptions } from './safety.js';
export { checkLiveness, type LivenessOptions } from './liveness.js';
export { checkSlotChosenInvariant, chosenSlots, decidesByNode, type ChosenSlot } from './multi-decree.js';
