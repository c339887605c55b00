import type { StableStorage } from '@paxlab/sdk';

/**
 * Stable storage for a simulated node: it lives outside the node object, so it survives crash and
 * restart. State is kept as JSON text, like the real cluster's file, so a node that mutates an object
 * after saving it (or saves something JSON cannot hold) behaves here as it would for real.
 */
export class MemoryStorage implements StableStorage {
  private text: string | undefined;

  load<T = unknown>(): T | undefined {
    return this.text === undefined ? undefined : (JSON.parse(this.text) as T);
  }

  save(state: unknown): void {
    const text = JSON.stringify(state);
    if (text === undefined) throw new TypeError('stable storage can only save JSON values');
    this.text = text;
  }

  /** The saved JSON text (for tests and the inspector). */
  get raw(): string | undefined {
    return this.text;
  }
}
