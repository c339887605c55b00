// Bug: the lock service releases a lock for whoever asks, not only for the client that holds it.
// expect-rule: kv-service.history.linearizable
import { encodeServiceResult, parseServiceOp } from '@paxlab/sdk';
import type { Value } from '@paxlab/sdk';
import { LockService, type Outcome } from '../reference/state-machines.js';
import { MultiPaxosNode } from '../reference/node.js';

class CarelessLocks extends LockService {
  override execute(value: Value, client: string): Outcome {
    const op = parseServiceOp(value);
    if (op?.f !== 'release') return super.execute(value, client);
    const held = this.snapshot() as Array<[string, string]>;
    const rest = held.filter(([k]) => k !== op.key);
    this.restore(rest); // released whoever held it
    return { ok: true, result: encodeServiceResult(rest.length < held.length) };
  }
}

export class Node extends MultiPaxosNode {
  override onStart(): void {
    super.onStart();
    if (this.options.machine === 'lock' && !(this.machine instanceof CarelessLocks)) {
      const m = new CarelessLocks();
      m.restore(this.machine.snapshot());
      this.machine = m;
    }
  }
}
