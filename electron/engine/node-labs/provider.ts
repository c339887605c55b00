/**
 * The seam where a body of whole-node tests plugs into grading: a **node-test provider**. A node lab
 * (manifest `kind: "node"`) names its provider; the provider lists the pack's tests as data in the
 * grading process, and runs one of them in the sandbox with the student's (guarded) node class.
 * Verdicts come from the run's trace and the clients' history, judged by harness code.
 *
 * What a provider must give (docs/grading.md, "Node labs"):
 * - `list(lab)`: every test of the pack, each `{ name, title, rule, weight?, set?, kind?, payload }`,
 *   where `payload` is JSON data holding everything the run needs (a pinned script included: the
 *   sandbox reads no files);
 * - `run(payload, ctx)`: pure and synchronous, in the sandbox's harness realm; runs the simulation(s)
 *   with `ctx.student` on the nodes the test says (`new ctx.student(nodeCtx, options?)`), budgets in
 *   events and virtual time only, and returns `{ passed, runs, seed?, failed?, trace? }`, `failed`
 *   naming the check and the rule it enforces.
 * A test with `kind: "search"` is not run by its provider: its payload is a node-search
 * configuration (node-search/config.ts) and the node search runs it.
 */
import type { NodeContext, PaxosNode } from '@paxlab/sdk';
import type { TraceEvent } from '../trace/events.js';

/** A node lab as a provider sees it in the grading process. */
export interface NodeLabInfo {
  id: string;
  dir: string;
  /** The manifest as JSON (provider-specific fields included). */
  manifest: Record<string, unknown> & { files: Record<string, string>; rules: Array<{ id: string; text: string }> };
  /** A path inside the pack. */
  file(rel: string): string;
}

export interface NodeTestSpec {
  /** Unique in the lab: lowercase letters, digits, dashes. */
  name: string;
  title: string;
  /** The lab rule the test exercises (a manifest rule id). */
  rule: string;
  weight?: number;
  set?: 'public' | 'hidden';
  /** 'run' (default): the provider's simulation runs; 'search': a node-level state-space search. */
  kind?: 'run' | 'search';
  /** JSON data: what run() (or the search) gets in the sandbox. */
  payload: unknown;
  /** Rules the test's checks enforce besides `rule` (a failure may name any of them); `lab check` counts them as exercised. */
  judges?: string[];
}

/** How a run constructs a node: `new Node(ctx)` or, for a lab whose nodes take options, `new Node(ctx, options)`. */
export type NodeClassWithOptions = new (ctx: NodeContext<any>, options?: any) => PaxosNode<any>;

export interface NodeRunContext {
  /** The student's node class, guarded: construct it on every node (or those the test says). */
  student: NodeClassWithOptions;
  /** Run only this seed (`grade --seed N`), when given. */
  seed?: number;
  /** Name the seed the next student calls belong to (a CPU-limit verdict names it). */
  setSeed(seed: number): void;
  /** Report progress now and then (a long test stays visibly alive). */
  progress(data: unknown): void;
}

/** The check a failing run broke. */
export interface NodeCheckFailure {
  /** The check's name ('linearizable', 'agreement', 'non-prefix-views', …). */
  check: string;
  /** The rule it enforces: a lab rule id, a provider's own (`kv-service.history.linearizable`) or `node.<check>`. */
  rule: string;
  ruleText?: string;
  /** One line: what went wrong, quoting the operations or messages involved. */
  message: string;
  /** seq of the trace events that show it (the diagram and the history view highlight them). */
  events?: number[];
  /** A broken safety property (linearizability, agreement, exactly-once): caps the score. */
  safety?: boolean;
}

export interface NodeRunOutcome {
  passed: boolean;
  /** Runs (seeds) carried out. */
  runs: number;
  /** The failing run's seed (absent for a pinned execution). */
  seed?: number;
  failed?: NodeCheckFailure;
  /** The failing run's trace (trace format 2: the clients' history is in it). */
  trace?: TraceEvent[];
  /** One line: the cluster, clients and faults of the failing run. */
  description?: string;
  notes?: string[];
}

export interface NodeTestProvider {
  /** What a manifest's `provider` names. */
  id: string;
  /** Grading process: the pack's tests, as data. */
  list(lab: NodeLabInfo): Promise<NodeTestSpec[]>;
  /** Sandbox (harness realm): one test, with the student's node class. */
  run(payload: unknown, ctx: NodeRunContext): NodeRunOutcome;
}

const providers = new Map<string, NodeTestProvider>();

export function registerNodeTestProvider(p: NodeTestProvider): void {
  if (providers.has(p.id)) throw new Error(`node-test provider '${p.id}' is already registered`);
  providers.set(p.id, p);
}

export function nodeTestProvider(id: string): NodeTestProvider | undefined {
  return providers.get(id);
}

export function nodeTestProviders(): string[] {
  return [...providers.keys()];
}
