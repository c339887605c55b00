// Bug: never takes a snapshot, so the log and the votes on stable storage grow with every command.
// expect-rule: kv-service.node.compaction
import { MultiPaxosNode } from '../reference/node.js';

export class Node extends MultiPaxosNode {
  protected override takeSnapshot(): void {
    // the log is kept whole forever: stable storage is never compacted
  }
}
