export { Simulation, type SimulationOptions, type StopCondition, type StopReason, type RunResult } from './simulation.js';
export { runSingleDecreeSim, type SingleDecreeSimOptions, type SingleDecreeOutcome } from './single-decree.js';
export { MemoryStorage } from './memory-storage.js';
