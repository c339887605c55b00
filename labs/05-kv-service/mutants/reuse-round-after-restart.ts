// Bug: a restarted node forgets the rounds on its stable storage and starts counting its rounds again from the first one it owns.
// expect-rule: kv-service.node.stable-storage
import { MultiPaxosNode } from '../reference/node.js';

export class Node extends MultiPaxosNode {
  protected override rebuildRoles(): void {
    super.rebuildRoles();
    this.maxSeen = 0; // the rounds on stable storage are ignored
  }
}
