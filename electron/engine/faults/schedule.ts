import type { NodeId, Value } from '@paxlab/sdk';
import type { NetworkConfig } from '../trace/events.js';
import { normalizeNetwork } from '../net/network-model.js';

/**
 * A scripted list of faults (and client requests) at given times, in ms since the run started. Plain
 * JSON, shared by the simulator (virtual time) and the real cluster (wall-clock time).
 */
export type FaultAction =
  | { at: number; action: 'crash'; node: NodeId }
  | { at: number; action: 'restart'; node: NodeId }
  | { at: number; action: 'partition'; groups: NodeId[][] }
  | { at: number; action: 'heal' }
  | { at: number; action: 'link'; a: NodeId; b: NodeId; up: boolean }
  | { at: number; action: 'net'; network: Partial<NetworkConfig> }
  | { at: number; action: 'request'; node: NodeId; value: Value; id?: string };

export type FaultSchedule = FaultAction[];

export const FAULT_ACTIONS = ['crash', 'restart', 'partition', 'heal', 'link', 'net', 'request'] as const;

/** A fault schedule or spec that makes no sense; the message says which entry and why. */
export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

const NET_KEYS = ['loss', 'dup', 'minDelayMs', 'maxDelayMs', 'requestLoss', 'replyLoss'] as const;

/**
 * Check a schedule that came from JSON (a scenario file, the app): every entry well-formed, node ids
 * in `nodes` when given. Returns the entries sorted by time (stable), so equal times keep their order.
 */
export function validateFaultSchedule(input: unknown, nodes?: readonly NodeId[]): FaultSchedule {
  if (!Array.isArray(input)) throw new FaultSpecError('a fault schedule must be an array of entries');
  const out = input.map((e, i) => validateEntry(e, `fault schedule entry ${i}`, nodes));
  return out
    .map((e, i) => [e, i] as const)
    .sort((x, y) => x[0].at - y[0].at || x[1] - y[1])
    .map(([e]) => e);
}

function validateEntry(e: unknown, where: string, nodes?: readonly NodeId[]): FaultAction {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new FaultSpecError(`${where}: not an object`);
  const r = e as Record<string, unknown>;
  const fail = (why: string): never => {
    throw new FaultSpecError(`${where} (${String(r.action)}): ${why}`);
  };
  if (typeof r.at !== 'number' || !Number.isFinite(r.at) || r.at < 0) fail(`'at' must be a time in ms >= 0, got ${JSON.stringify(r.at)}`);
  const at = r.at as number;
  const node = (key: string): NodeId => {
    const v = r[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(`'${key}' must be a node id (1, 2, …), got ${JSON.stringify(v)}`);
    if (nodes && !nodes.includes(v as number)) fail(`node ${String(v)} is not in the cluster (${nodes.join(', ')})`);
    return v as NodeId;
  };
  switch (r.action) {
    case 'crash':
    case 'restart':
      return { at, action: r.action, node: node('node') };
    case 'heal':
      return { at, action: 'heal' };
    case 'link': {
      if (typeof r.up !== 'boolean') fail(`'up' must be true or false`);
      const a = node('a');
      const b = node('b');
      if (a === b) fail('a link joins two different nodes');
      return { at, action: 'link', a, b, up: r.up as boolean };
    }
    case 'partition': {
      const groups = r.groups;
      if (!Array.isArray(groups) || groups.length < 1 || !groups.every((g) => Array.isArray(g) && g.length > 0)) {
        fail(`'groups' must be a non-empty list of non-empty node lists`);
      }
      const seen = new Set<number>();
      const clean = (groups as unknown[][]).map((g) =>
        g.map((n) => {
          if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) fail(`${JSON.stringify(n)} is not a node id`);
          if (nodes && !nodes.includes(n as number)) fail(`node ${String(n)} is not in the cluster (${nodes.join(', ')})`);
          if (seen.has(n as number)) fail(`node ${String(n)} is in two groups`);
          seen.add(n as number);
          return n as NodeId;
        }),
      );
      return { at, action: 'partition', groups: clean };
    }
    case 'net': {
      const n = r.network;
      if (typeof n !== 'object' || n === null || Array.isArray(n)) fail(`'network' must be an object`);
      const net: Partial<NetworkConfig> = {};
      for (const [k, v] of Object.entries(n as object)) {
        if (!(NET_KEYS as readonly string[]).includes(k)) fail(`unknown network setting '${k}' (known: ${NET_KEYS.join(', ')})`);
        if (typeof v !== 'number' || !Number.isFinite(v)) fail(`network setting '${k}' must be a number`);
        net[k as (typeof NET_KEYS)[number]] = v as number;
      }
      try {
        normalizeNetwork(net);
      } catch (err) {
        // Delays are checked only when both ends are given; a lone bound is merged with the current config later.
        if (!(err instanceof RangeError) || !/delays/.test(err.message) || ('minDelayMs' in net && 'maxDelayMs' in net)) {
          fail((err as Error).message);
        }
      }
      return { at, action: 'net', network: net };
    }
    case 'request': {
      if (typeof r.value !== 'string') fail(`'value' must be a string`);
      if (r.id !== undefined && typeof r.id !== 'string') fail(`'id' must be a string when given`);
      const out: FaultAction = { at, action: 'request', node: node('node'), value: r.value as string };
      if (r.id !== undefined) out.id = r.id as string;
      return out;
    }
    default:
      return fail(`unknown action; expected one of ${FAULT_ACTIONS.join(', ')}`);
  }
}
