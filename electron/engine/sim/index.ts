export { Simulation, type SimulationOptions, type StopCondition, type StopReason, type RunResult, type ScriptedRun, type HeldCopy } from './simulation.js';
export { runSingleDecreeSim } from './single-decree.js';
export { MemoryStorage } from './memory-storage.js';
