import type { Model, ModelName } from '../model.js';
import { kvModel } from './kv.js';
import { lockModel } from './lock.js';
import { logModel } from './log.js';

export { kvModel, lockModel, logModel };

export const MODELS: Readonly<Record<ModelName, Model<any>>> = { kv: kvModel, lock: lockModel, log: logModel };
export const MODEL_NAMES = Object.keys(MODELS) as ModelName[];

/** The model that judges operations named `f` (get → kv, acquire → lock, exec → log). */
export function modelFor(f: string): ModelName | null {
  for (const name of MODEL_NAMES) if (MODELS[name].opProblem({ op: { f } } as never) === null) return name;
  return null;
}
