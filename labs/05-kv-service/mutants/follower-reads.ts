// Bug: a node that does not lead answers a get from its own replica at once, without the log: a reply from a node that has not applied what came before.
// expect-rule: kv-service.history.linearizable
import type { ClientRequest } from '@paxlab/sdk';
import { parseServiceOp } from '@paxlab/sdk';
import { MultiPaxosNode } from '../reference/node.js';

export class Node extends MultiPaxosNode {
  protected override onRequest(r: ClientRequest): void {
    const op = typeof r?.value === 'string' ? parseServiceOp(r.value) : null;
    if (op?.f === 'get' && this.leader !== this.ctx.id && this.machine) {
      const outcome = this.machine.execute(r.value, r.client ?? r.id); // a local read of a replica that may lag
      if (outcome.ok) return this.ctx.reply(r.id, outcome.result);
    }
    super.onRequest(r);
  }
}
