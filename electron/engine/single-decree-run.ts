/**
 * What one single-decree run takes and gives, the same whether it runs in the simulator or on a real
 * cluster (`paxlab run [--sim]`), so the CLI and the tests treat both harnesses alike.
 */
import type { NodeId, Value } from '@paxlab/sdk';
import type { ClientPlan, ClientTiming } from './clients/index.js';
import type { FaultSchedule } from './faults/index.js';
import type { TraceEvent } from './trace/events.js';

export interface SingleDecreeRunOptions {
  nodes: number;
  /** Values to propose: the first to node 1 (the first leader), the next to nodes 2, 3, … */
  propose: Value[];
  loss: number;
  dup: number;
  /** Delay range [min, max] in ms; the network's default when absent. */
  delay?: [number, number];
  seed: number;
  /** Give up waiting for decisions after this long (virtual ms in the simulator). */
  timeoutMs: number;
  /** Faults, timed from when the values are proposed. */
  schedule?: FaultSchedule;
  /** Client sessions: the run then lasts until they are done (and every live node decided). */
  clients?: { plan: ClientPlan; timing?: Partial<ClientTiming> };
}

export interface SingleDecreeRunOutcome {
  trace: TraceEvent[];
  decisions: Map<NodeId, Value>;
  /** Nodes up at the end. */
  live: NodeId[];
  /** Nodes lost during start-up (real cluster only), and why; the run went on without them. */
  lostAtStart?: Array<{ node: NodeId; reason: string }>;
}
