/**
 * The reference node that recorded a cluster trace, from its meta line: the Multi-Paxos service
 * node (with the state machine the clients' model names) for `protocol: multi-paxos`, the
 * single-decree node otherwise. What `paxlab replay` and the app replay with when no module is given.
 */
import type { PaxosNodeClass } from '@paxlab/sdk';
import { SingleDecreeNode } from '../../../labs/paxos-node/node.js';
import { multiPaxosNodeClass } from '../../../labs/05-kv-service/reference/node.js';
import type { MetaEvent, TraceEvent } from '../trace/events.js';

export function referenceNodeFor(events: readonly TraceEvent[]): PaxosNodeClass<any> {
  const meta = events.find((e): e is MetaEvent => e.type === 'meta');
  if (meta?.protocol === 'multi-paxos') return multiPaxosNodeClass({ machine: meta.model ?? 'kv' }) as unknown as PaxosNodeClass<any>;
  return SingleDecreeNode as unknown as PaxosNodeClass<any>;
}
