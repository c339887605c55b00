// Bug: the at-most-once table remembers only the last client that executed a command, so a retry of any other client runs again.
// expect-rule: kv-service.history.linearizable
import type { NodeContext } from '@paxlab/sdk';
import { MultiPaxosNode, type MultiPaxosNodeOptions, type ServiceNodeMsg } from '../reference/node.js';

export class Node extends MultiPaxosNode {
  constructor(ctx: NodeContext<ServiceNodeMsg>, options: MultiPaxosNodeOptions = {}) {
    super(ctx, { ...options, maxClients: 1 }); // a table of one client forgets all the others
  }
}
