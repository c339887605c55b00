/**
 * The state-space search (model checking) of single-decree Paxos around a student's role: BFS over
 * the global states of a small configuration, invariants checked at every state, the shortest
 * counterexample returned as a trace.
 */
import type { TraceEvent } from '../trace/events.js';
import { buildCounterexampleTrace, buildGoalTrace } from './counterexample.js';
import { describeGoal, explainMiss, GOAL_WANTS, type GoalMiss } from './goal.js';
import { Transitions, fingerprint, type Found, type GState } from './explorer.js';
import { StateSet } from './state-set.js';
import { LocalStates } from './local-states.js';
import { layoutSlots, resolveOptions, type ResolvedOptions, type SearchGoal, type SearchOptions, type SearchRoles } from './model.js';
import { privateFields, UncloneableStateError } from './state-codec.js';

export interface SearchViolation {
  /** 'chosen-invariant', 'validity', 'learner-safety', 'integrity', 'agreement', 'handler-error',
   *  'handler-output', 'input-mutation', 'determinism', 'uncloneable'. */
  checker: string;
  message: string;
  /** Number of steps of the counterexample (minimal: BFS). */
  depth: number;
  /** The counterexample, meta source 'search'. */
  trace: TraceEvent[];
}

/** The goal was reached: the first goal state BFS found, so `depth` is the fewest steps to it. */
export interface SearchGoalReached {
  name: Exclude<SearchGoal, 'none'>;
  /** What happened, e.g. `"v1" is chosen in round 1 (acceptors 1, 2 voted it)`. */
  description: string;
  depth: number;
  /** The shortest path to it, meta source 'search', ending with a `log` event naming the goal. */
  trace: TraceEvent[];
}

/** No state within the bounds reached the goal; `message` says which protocol step never happened. */
export interface SearchGoalMissed extends GoalMiss {
  name: Exclude<SearchGoal, 'none'>;
  /** e.g. "no order of deliveries lets a value be chosen …: no acceptor ever voted …". */
  summary: string;
}

export interface SearchReport {
  /**
   * ok: no violation within the bounds and the goal reached (or none asked); violation: a
   * counterexample; goal-unreached: safe, but no state within the bounds reached the goal; error: the
   * roles cannot be searched.
   */
  verdict: 'ok' | 'violation' | 'goal-unreached' | 'error';
  statesExplored: number;
  transitions: number;
  statesPerSecond: number;
  depthReached: number;
  /** True when every reachable state was explored (no bound cut the search short). */
  exhausted: boolean;
  /** Which bound stopped the search, if one did. */
  stoppedBy?: 'depth' | 'time' | 'states';
  elapsedMs: number;
  violation?: SearchViolation;
  /** Set when a goal state was found (also alongside a violation found later). */
  goalReached?: SearchGoalReached;
  /** Set with verdict 'goal-unreached'. */
  goalMissed?: SearchGoalMissed;
  /** Why the roles cannot be searched (verdict 'error'). */
  error?: string;
  /** Whether inert messages were collected (see SearchOptions.reduce). */
  reduced: boolean;
  /** Set when the inert-message reduction turned out not to hold for these roles. */
  reductionBroken?: string;
  note?: string;
  options: Omit<ResolvedOptions, 'maxDepth'> & { maxDepth: number | null };
}

export interface SearchHooks {
  /** Called about every 100 ms while the search runs (the sandbox uses it as a heartbeat). */
  onProgress?(p: { states: number; depth: number; elapsedMs: number }): void;
}

export function runSearch(roles: SearchRoles, options: SearchOptions = {}, hooks: SearchHooks = {}): SearchReport {
  const opts = resolveOptions(options);
  const first = explore(roles, opts, hooks);
  if (first.verdict === 'violation' || first.verdict === 'error' || !first.reductionBroken) return first;
  // The role handled a message it had once ignored: collecting inert messages may have hidden
  // states. Search again without the reduction, in the time that is left.
  const again = explore(roles, { ...opts, reduce: false, timeLimitMs: Math.max(1000, opts.timeLimitMs - first.elapsedMs) }, hooks);
  return { ...again, note: `${first.reductionBroken}; searched again without collecting inert messages` };
}

function explore(roles: SearchRoles, opts: ResolvedOptions, hooks: SearchHooks): SearchReport {
  const slots = layoutSlots(opts);
  const table = new LocalStates(slots, opts);
  const tr = new Transitions(table, slots, opts);
  const started = performance.now();
  const report = (r: Partial<SearchReport> & Pick<SearchReport, 'verdict'>): SearchReport => {
    const elapsedMs = performance.now() - started;
    const statesExplored = r.statesExplored ?? 0;
    return {
      statesExplored,
      transitions: 0,
      depthReached: 0,
      exhausted: false,
      ...r,
      reduced: tr.collect,
      elapsedMs,
      statesPerSecond: elapsedMs > 0 ? Math.round((statesExplored * 1000) / elapsedMs) : statesExplored,
      options: { ...opts, maxDepth: Number.isFinite(opts.maxDepth) ? opts.maxDepth : null },
    };
  };

  for (const [role, cls] of Object.entries(roles)) {
    const hidden = privateFields(cls);
    if (hidden.length > 0) {
      return report({
        verdict: 'error',
        error: `keep your state cloneable: the ${role} has private members (${hidden.join(', ')}), which the search cannot copy or compare; use ordinary fields and methods (TypeScript's \`private\` keyword is fine)`,
      });
    }
  }
  let init: GState;
  try {
    const config = { nodes: slots.filter((s) => s.kind === 'acceptor').map((s) => s.node) };
    const l = slots.map((s, i) => {
      const Cls = s.kind === 'acceptor' ? roles.Acceptor : s.kind === 'proposer' ? roles.Proposer : roles.Learner;
      return table.intern(i, new Cls(s.node, { nodes: [...config.nodes] }) as object);
    });
    init = { l, f: [], r: tr.proposerSlots.map(() => 0), p: 0, dup: 0, crash: 0, down: 0, h: tr.histories.arrays[0], hid: 0, dec: tr.learnerSlots.map(() => 0) };
  } catch (e) {
    const message = e instanceof UncloneableStateError ? e.message : `cannot construct the roles: ${e instanceof Error ? e.message : String(e)}`;
    return report({ verdict: 'error', error: message });
  }

  const visited = new StateSet();
  const f0 = fingerprint(init);
  visited.add(f0.r1, f0.r2);
  const parent: number[] = [-1];
  const via: number[] = [-1];
  let level: { s: GState; idx: number }[] = [{ s: init, idx: 0 }];
  let depth = 0;
  let transitions = 0;
  let stoppedBy: SearchReport['stoppedBy'];
  const deadline = started + opts.timeLimitMs;
  let nextReport = started + 100;

  const pathTo = (idx: number, last: number): number[] => {
    const acts = [last];
    for (let i = idx; i > 0; i = parent[i]) acts.push(via[i]);
    return acts.reverse();
  };
  // The first goal state generated (BFS: one with the fewest steps), by its index in parent/via.
  const wantGoal = opts.goal !== 'none';
  let goalIdx = -1;
  let goalState: GState | null = null;
  const goalReached = (): SearchGoalReached | undefined => {
    if (goalIdx < 0 || opts.goal === 'none') return undefined;
    const actions = pathTo(parent[goalIdx], via[goalIdx]);
    const description = describeGoal(tr, goalState!);
    return { name: opts.goal, description, depth: actions.length, trace: buildGoalTrace(tr, init, actions, description) };
  };

  outer: while (level.length > 0) {
    if (depth >= opts.maxDepth) {
      stoppedBy = 'depth';
      break;
    }
    const next: { s: GState; idx: number }[] = [];
    for (let n = 0; n < level.length; n++) {
      if ((n & 255) === 0) {
        const now = performance.now();
        if (now > deadline) {
          stoppedBy = 'time';
          break outer;
        }
        if (hooks.onProgress && now >= nextReport) {
          nextReport = now + 100;
          hooks.onProgress({ states: visited.size, depth, elapsedMs: Math.round(now - started) });
        }
      }
      const { s, idx } = level[n];
      for (const act of tr.enabled(s)) {
        transitions++;
        const t = tr.apply(s, act);
        if (t === s) continue;
        if (isFound(t)) {
          const actions = pathTo(idx, act);
          return report({
            verdict: 'violation',
            statesExplored: visited.size,
            transitions,
            depthReached: depth + 1,
            violation: { ...t, depth: actions.length, trace: buildCounterexampleTrace(tr, init, actions, t) },
            goalReached: goalReached(),
          });
        }
        const fp = fingerprint(t);
        if (!visited.add(fp.r1, fp.r2)) continue;
        const ti = parent.length;
        parent.push(idx);
        via.push(act);
        next.push({ s: t, idx: ti });
        if (wantGoal && goalIdx < 0 && tr.goalHolds(t)) {
          goalIdx = ti;
          goalState = t;
        }
        if (visited.size >= opts.maxStates) {
          stoppedBy = 'states';
          depth++;
          break outer;
        }
      }
    }
    level = next;
    if (next.length > 0) depth++;
  }
  const exhausted = stoppedBy === undefined;
  let goalMissed: SearchGoalMissed | undefined;
  if (opts.goal !== 'none' && goalIdx < 0) {
    const miss = explainMiss(tr);
    const where = exhausted ? '' : ` within the bounds (${stoppedBy === 'depth' ? `${opts.maxDepth} steps` : `stopped by the ${stoppedBy} bound`})`;
    goalMissed = { name: opts.goal, ...miss, summary: `no order of deliveries${where} lets ${GOAL_WANTS[opts.goal]}: ${miss.message}` };
  }
  return report({
    reductionBroken: tr.collect ? (tr.inertPersists() ?? undefined) : undefined,
    verdict: goalMissed ? 'goal-unreached' : 'ok',
    statesExplored: visited.size,
    transitions,
    depthReached: depth,
    exhausted,
    stoppedBy,
    goalReached: goalReached(),
    goalMissed,
  });
}

function isFound(x: GState | Found): x is Found {
  return (x as Found).checker !== undefined;
}
