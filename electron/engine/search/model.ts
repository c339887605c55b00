/**
 * The configuration the search explores and how role outputs become network messages. Messages are
 * interned: each distinct (route, content) gets a small integer, so the network is a sorted array of
 * integers and a global state is a handful of integer arrays.
 */
import type { AcceptorClass, LearnerClass, NodeId, ProposerClass, Value } from '@paxlab/sdk';
import type { WireMessage } from '../trace/events.js';

export type RoleKind = 'acceptor' | 'proposer' | 'learner';

export interface SearchRoles {
  Acceptor: AcceptorClass;
  Proposer: ProposerClass;
  Learner: LearnerClass;
}

export interface SearchOptions {
  /**
   * How the network is modelled (default 'set'). 'set': every message ever sent stays deliverable,
   * any number of times, in any order (DSLabs' model): it covers loss (never delivered), unbounded
   * duplication and reordering at once, and keeps the space small. 'multiset': each copy is
   * delivered once; explicit drop and duplicate steps (bounded by maxDuplicates) and crashes.
   */
  network?: 'set' | 'multiset';
  /** Number of acceptors, on nodes 1..n (default 3). Every role's config is these nodes. */
  acceptors?: number;
  /** The proposers' values; proposer i sits on node i (default two: 'v1', 'v2'). */
  values?: Value[];
  /** Learners, on nodes n, n-1, … (default 0: safety is judged from the acceptors' votes). */
  learners?: number;
  /**
   * propose() calls per proposer (default 1, at most 6): the first with its own value, later ones
   * with the next values (a client that changes its mind; docs/student-api.md: a later call replaces the value).
   */
  proposals?: number;
  /** Rounds each proposer may start (default 2). */
  maxRounds?: number;
  /** Messages may be lost (default true; 'multiset' network only, the set model always loses). */
  loss?: boolean;
  /** How many duplicate copies the network may make in one run (default 1; 'multiset' only). */
  maxDuplicates?: number;
  /**
   * How many acceptor crashes in one run (default 0; 'multiset' only). Acceptors keep their state
   * across a crash, so a crash only loses the messages in flight to it.
   */
  maxCrashes?: number;
  /** Stop exploring below this depth (default: unbounded). */
  maxDepth?: number;
  /**
   * The state budget: stop after this many distinct global states (default 2 000 000). A search
   * that stops here says "no violation in the first N states, not exhaustive" (docs/search.md says
   * how that scores). There is no time limit: the verdict depends on the roles and options alone.
   */
  maxStates?: number;
  /**
   * Stop when the roles have taken this many distinct states between them (default 200 000): a role
   * whose state keeps growing (a log of every message, a counter) would otherwise fill memory
   * before the state budget is reached.
   */
  maxRoleStates?: number;
  /**
   * Collect inert messages in the 'set' network (default true): a message its addressee ignores is
   * removed, which shrinks the space by an order of magnitude. Checked afterwards; when a role turns
   * out to handle a message it once ignored, the search reruns without it.
   */
  reduce?: boolean;
  /** Run each handler twice on clones and compare (default true). */
  checkDeterminism?: boolean;
  /**
   * What the search must also show reachable, besides safety (DSLabs' goals): 'chosen', some value
   * is chosen (a quorum of acceptors voted it in one round); 'decided', a learner decides; 'none'.
   * Default: 'decided' with learners, else 'chosen'. A role that does nothing is safe; it fails here.
   */
  goal?: SearchGoal;
}

export type SearchGoal = 'chosen' | 'decided' | 'none';

/** The default state budget: its visited set, links and frontier stay well under 100 MB. */
export const DEFAULT_MAX_STATES = 2_000_000;

export type ResolvedOptions = Required<Omit<SearchOptions, 'maxDepth'>> & { maxDepth: number };

export function resolveOptions(o: SearchOptions = {}): ResolvedOptions {
  const r: ResolvedOptions = {
    network: o.network ?? 'set',
    acceptors: o.acceptors ?? 3,
    values: o.values ?? ['v1', 'v2'],
    learners: o.learners ?? 0,
    maxRounds: o.maxRounds ?? 2,
    proposals: o.proposals ?? 1,
    loss: o.loss ?? true,
    maxDuplicates: o.maxDuplicates ?? 1,
    maxCrashes: o.maxCrashes ?? 0,
    maxDepth: o.maxDepth ?? Number.POSITIVE_INFINITY,
    maxStates: o.maxStates ?? DEFAULT_MAX_STATES,
    maxRoleStates: o.maxRoleStates ?? 200_000,
    checkDeterminism: o.checkDeterminism ?? true,
    reduce: o.reduce ?? true,
    goal: o.goal ?? ((o.learners ?? 0) > 0 ? 'decided' : 'chosen'),
  };
  if (r.network !== 'set' && r.network !== 'multiset') throw new RangeError("search: network must be 'set' or 'multiset'");
  if (!(r.acceptors >= 1 && r.acceptors <= 7)) throw new RangeError('search: acceptors must be 1..7');
  if (r.values.length < 1 || r.values.length > r.acceptors) throw new RangeError('search: 1..acceptors proposers (one value each)');
  if (!(r.learners >= 0 && r.learners <= r.acceptors)) throw new RangeError('search: learners must be 0..acceptors');
  if (!(Number.isInteger(r.proposals) && r.proposals >= 0 && r.proposals <= 6)) throw new RangeError('search: proposals must be 0..6');
  if (!['chosen', 'decided', 'none'].includes(r.goal)) throw new RangeError("search: goal must be 'chosen', 'decided' or 'none'");
  if (r.goal === 'decided' && r.learners === 0) throw new RangeError("search: goal 'decided' needs learners");
  for (const k of ['maxStates', 'maxRoleStates'] as const) {
    if (!(Number.isInteger(r[k]) && r[k] >= 1)) throw new RangeError(`search: ${k} must be a positive integer`);
  }
  for (const k of ['maxRounds', 'maxDuplicates', 'maxCrashes'] as const) {
    if (!(Number.isInteger(r[k]) && r[k] >= 0)) throw new RangeError(`search: ${k} must be a non-negative integer`);
  }
  return r;
}

/** One role object in the configuration. */
export interface Slot {
  kind: RoleKind;
  node: NodeId;
  /** Index among the slots of its kind. */
  index: number;
}

export function layoutSlots(o: ResolvedOptions): Slot[] {
  const slots: Slot[] = [];
  for (let i = 0; i < o.acceptors; i++) slots.push({ kind: 'acceptor', node: i + 1, index: i });
  for (let i = 0; i < o.values.length; i++) slots.push({ kind: 'proposer', node: i + 1, index: i });
  for (let i = 0; i < o.learners; i++) slots.push({ kind: 'learner', node: o.acceptors - i, index: i });
  return slots;
}

/** An interned network message: who sent it, which slot receives it, and its content. */
export interface NetMsg {
  from: NodeId;
  to: NodeId;
  toSlot: number;
  msg: WireMessage;
}

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
const isVal = (x: unknown): x is string => typeof x === 'string';

/**
 * Checks a handler's output against docs/student-api.md and returns it normalized to the API's fields, or a
 * reason it is not a message. `null` and `undefined` both mean "no output".
 */
export function normalizeOutput(kind: 'prepare' | 'promise' | 'accept' | 'learn', out: unknown): WireMessage | null | string {
  if (out === null || out === undefined) return null;
  if (typeof out !== 'object') return `expected a ${kind} message or null, got ${typeof out}`;
  const m = out as Record<string, unknown>;
  if (m.kind !== kind) return `expected kind '${kind}', got ${JSON.stringify(m.kind)}`;
  switch (kind) {
    case 'prepare':
      if (isInt(m.from) && isInt(m.crnd)) return { kind, from: m.from, crnd: m.crnd };
      break;
    case 'promise':
      if (isInt(m.to) && isInt(m.from) && isInt(m.rnd) && isInt(m.vrnd) && (m.vval === null || isVal(m.vval))) {
        return { kind, to: m.to, from: m.from, rnd: m.rnd, vrnd: m.vrnd, vval: m.vval };
      }
      break;
    default:
      if (isInt(m.from) && isInt(m.rnd) && isVal(m.val)) return { kind, from: m.from, rnd: m.rnd, val: m.val };
  }
  return `malformed ${kind}: ${safeJson(out)}`;
}

export function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A short label for a message, as the counterexample lists it. */
export function msgLabel(m: WireMessage): string {
  switch (m.kind) {
    case 'prepare':
      return `prepare(${m.crnd})`;
    case 'promise':
      return `promise(${m.rnd},${m.vrnd === 0 ? '-' : m.vrnd},${m.vval === null ? '-' : JSON.stringify(m.vval)})`;
    default:
      return `${m.kind}(${m.rnd},${JSON.stringify(m.val)})`;
  }
}
