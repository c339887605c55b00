// Bug: a replica that is behind never fetches the slots it missed from its peers.
// expect-rule: kv-service.log.whole-log
import type { NodeId } from '@paxlab/sdk';
import { MultiPaxosNode } from '../reference/node.js';

export class Node extends MultiPaxosNode {
  protected override fetchFrom(_peer: NodeId): void {
    // waits for LEARNs that were lost and will never come again
  }
}
