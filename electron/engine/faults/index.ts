export { type FaultAction, type FaultSchedule, FaultSpecError, FAULT_ACTIONS, validateFaultSchedule } from './schedule.js';
export { parseFaultSpec, FAULT_SPEC_HELP } from './spec.js';
