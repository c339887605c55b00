/**
 * The configuration the supervisor hands a node process (in the {@link NODE_CONFIG_ENV} environment
 * variable, not argv: argv is visible to every local user, and it carries the cluster token).
 */
import type { NodeId } from '@paxlab/sdk';
import type { ControlAddress } from './control-channel.js';

/**
 * What a node's stable storage survives: `process` — the node process's crash (SIGKILL), which is
 * what crash and restart mean in the lab; `fsync` — also the machine losing power (every save waits
 * for the disk, which costs milliseconds). See electron/node/storage.ts.
 */
export type Durability = 'process' | 'fsync';
export const DURABILITY_LEVELS: readonly Durability[] = ['process', 'fsync'];

export const NODE_CONFIG_ENV = 'PAXLAB_NODE_CONFIG';

/** The protocols the reference nodes speak. */
export type NodeProtocol = 'single-decree' | 'multi-paxos';
export const NODE_PROTOCOLS: readonly NodeProtocol[] = ['single-decree', 'multi-paxos'];

/** Which PaxosNode a process runs. */
export interface NodeProgram {
  /**
   * The reference node to run: the single-decree node (default) or the Multi-Paxos service node
   * (labs/05-kv-service/reference/node.ts). Also what the trace's meta line says.
   */
  protocol?: NodeProtocol;
  /**
   * Built JS modules (ESM) exporting `Acceptor`, `Proposer` and `Learner`, used as the roles of the
   * reference node of `protocol`; a role not given is the reference one.
   */
  roles?: { acceptor?: string; proposer?: string; learner?: string };
  /**
   * A built JS module exporting a PaxosNode class (as `Node` or default) to run instead of the
   * reference node; its constructor gets the NodeContext, then `options`.
   */
  module?: string;
  /**
   * A student's node module as the student build makes it (docs/student-api.md), exporting a
   * PaxosNode class as `Node`: run in a student realm of its own, guarded like the grader's, instead
   * of the reference node. Student code is never imported as a module of the node process.
   */
  studentNode?: string;
  /**
   * JSON options for the node's constructor (after the context): for the Multi-Paxos node and a
   * service node module, `ServiceNodeOptions` (`{ machine: 'kv' | 'lock' | 'log', … }`).
   */
  options?: Record<string, unknown>;
}

export interface NodeProcessConfig {
  node: NodeId;
  nodes: NodeId[];
  hub: { host: string; port: number };
  token: string;
  control: ControlAddress;
  /** The node's stable storage: a journal file of checksummed JSON records (electron/node/storage.ts). */
  storageFile: string;
  /** What the stable storage survives; `process` when absent. */
  durability?: Durability;
  /** Wall-clock epoch (ms) of the cluster start; `now()` counts from it. */
  t0: number;
  /** How often the node proves it is alive on the control channel. */
  heartbeatMs: number;
  /** Seeds the node's `random()`. */
  seed: number;
  program: NodeProgram;
  /**
   * Scripted mode (a pinned execution): the node runs `onStart` when the hub sends `boot`, its
   * timers fire only on the hub's `fire`, and it reports arming (`timer-set`, `timer-cancel`) and
   * the end of every step it handles (`handled`). docs/wire-protocol.md, "Scripted mode".
   */
  scripted?: boolean;
}

/** Parse and check a node configuration; throws an Error naming what is wrong. */
export function parseNodeConfig(text: string | undefined): NodeProcessConfig {
  if (!text) throw new Error(`${NODE_CONFIG_ENV} is not set: a node process is started by the PaxLab supervisor`);
  let c: NodeProcessConfig;
  try {
    c = JSON.parse(text) as NodeProcessConfig;
  } catch {
    throw new Error(`${NODE_CONFIG_ENV} is not valid JSON`);
  }
  const problems: string[] = [];
  if (!Number.isInteger(c.node)) problems.push('node must be an integer');
  if (!Array.isArray(c.nodes) || !c.nodes.includes(c.node)) problems.push('nodes must list every node id, this one included');
  if (!c.hub || !Number.isInteger(c.hub.port)) problems.push('hub.port must be an integer');
  if (typeof c.token !== 'string' || c.token.length === 0) problems.push('token is missing');
  if (!c.control || typeof c.control.socketRoot !== 'string') problems.push('control address is missing');
  if (typeof c.storageFile !== 'string') problems.push('storageFile is missing');
  if (typeof c.t0 !== 'number') problems.push('t0 must be a number');
  if (c.durability !== undefined && !DURABILITY_LEVELS.includes(c.durability)) problems.push(`durability must be one of ${DURABILITY_LEVELS.join(', ')}`);
  if (c.program?.protocol !== undefined && !NODE_PROTOCOLS.includes(c.program.protocol)) problems.push(`program.protocol must be one of ${NODE_PROTOCOLS.join(', ')}`);
  if (c.program?.options !== undefined && (typeof c.program.options !== 'object' || c.program.options === null || Array.isArray(c.program.options))) problems.push('program.options must be an object');
  if (problems.length) throw new Error(`bad node configuration: ${problems.join('; ')}`);
  return { ...c, heartbeatMs: c.heartbeatMs ?? 200, seed: c.seed ?? 1, program: c.program ?? {}, durability: c.durability ?? 'process' };
}
