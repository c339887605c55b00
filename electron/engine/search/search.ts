/**
 * The state-space search (model checking) of single-decree Paxos around a student's role: BFS over
 * the global states of a small configuration, invariants checked at every state, the shortest
 * counterexample returned as a trace. Its budgets are counted in states and steps, never in time or
 * memory, so the verdict is a function of the roles and the options alone.
 */
import type { TraceEvent } from '../trace/events.js';
import { IntVec } from './arena.js';
import { buildCounterexampleTrace, buildGoalTrace } from './counterexample.js';
import { describeGoal, explainMiss, GOAL_WANTS, type GoalMiss } from './goal.js';
import { Transitions, type Found } from './explorer.js';
import { InertCollector, type BrokenPair } from './inert.js';
import { StateSet } from './state-set.js';
import { LocalStates } from './local-states.js';
import { layoutSlots, resolveOptions, type ResolvedOptions, type SearchGoal, type SearchOptions, type SearchRoles, type Slot } from './model.js';
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
  depthReached: number;
  /** Every order of up to this many steps was explored (all of them, when exhausted). */
  completeDepth: number;
  /** True when every reachable state was explored (no bound cut the search short). */
  exhausted: boolean;
  /** Which bound stopped the search, if one did: the test's depth, the state budget, or the budget of distinct role states. */
  stoppedBy?: 'depth' | 'states' | 'role-states';
  /** One line, deterministic: "no violation in the first 2000000 states, not exhaustive", "exhaustive: 645896 states", … */
  extent: string;
  /** Distinct states of the role objects (all roles). */
  roleStates: number;
  /** Timing, for the statistics only; never part of a verdict. */
  elapsedMs: number;
  statesPerSecond: number;
  /** Bytes held by the search's own tables at the end (visited set, frontier, links). */
  searchBytes: number;
  violation?: SearchViolation;
  /** Set when a goal state was found (also alongside a violation found later). */
  goalReached?: SearchGoalReached;
  /** Set with verdict 'goal-unreached'. */
  goalMissed?: SearchGoalMissed;
  /** Why the roles cannot be searched (verdict 'error'). */
  error?: string;
  /** Whether inert messages were collected (see SearchOptions.reduce). */
  reduced: boolean;
  /**
   * Runs repeated because a role handled a message it had once ignored (the reduction was refined
   * each time, so the final run is sound); 0 for most roles.
   */
  refinements: number;
  note?: string;
  options: Omit<ResolvedOptions, 'maxDepth'> & { maxDepth: number | null };
}

export interface SearchHooks {
  /** Called about every 100 ms while the search runs (the sandbox uses it as a heartbeat). */
  onProgress?(p: { states: number; depth: number; elapsedMs: number }): void;
}

/**
 * The role states' own budget, in characters of their canonical text (about their size in memory):
 * a role whose state grows with every message stops the search here, deterministically, long before
 * the sandbox's heap would run out.
 */
const ROLE_STATE_CHARS = 64 * 2 ** 20;

/** Runs with a refined reduction before the search gives it up and runs unreduced (none of the lab roles needs more than two). */
const MAX_REFINEMENTS = 16;

export function runSearch(roles: SearchRoles, options: SearchOptions = {}, hooks: SearchHooks = {}): SearchReport {
  const opts = resolveOptions(options);
  const started = performance.now();
  for (const [role, cls] of Object.entries(roles)) {
    const hidden = privateFields(cls);
    if (hidden.length > 0) {
      return errorReport(opts, started, `keep your state cloneable: the ${role} has private members (${hidden.join(', ')}), which the search cannot copy or compare; use ordinary fields and methods (TypeScript's \`private\` keyword is fine)`);
    }
  }
  const slots = layoutSlots(opts);
  // One table of role states for every run: effects computed once serve all of them.
  const table = new LocalStates(slots, opts);
  const inert = new InertCollector();
  // The state budget covers every run together, so a role that breaks the reduction costs states,
  // not an unbounded number of re-runs.
  let left = opts.maxStates;
  let first: BrokenPair | undefined;
  for (let run = 0; ; run++) {
    const reduce = opts.reduce && run < MAX_REFINEMENTS;
    const r = explore(roles, { ...opts, reduce, maxStates: left }, slots, table, inert, hooks, started);
    const report = { ...r.report, options: publicOptions(opts) };
    if (!r.broken) return withRefinements(report, run, first, table, slots);
    first ??= r.broken[0];
    left -= r.report.statesExplored;
    // Not enough budget left for another run: what this one saw stands, but it is not a proof.
    if (left < opts.maxStates / 10) return withRefinements(cutShort(report), run, first, table, slots);
  }
}

/** A run whose reduction broke, kept because the budget is spent: a violation or a goal it found is real; "no violation" only covers what it saw. */
function cutShort(r: SearchReport): SearchReport {
  if (r.verdict === 'violation') return r;
  const goalMissed = r.goalMissed && { ...r.goalMissed, summary: `no order of deliveries in the first ${r.statesExplored} states lets ${GOAL_WANTS[r.goalMissed.name]}: ${r.goalMissed.message}` };
  return {
    ...r,
    goalMissed,
    exhausted: false,
    stoppedBy: 'states',
    extent: `no violation in the first ${r.statesExplored} states, not exhaustive (the state budget ran out while the inert-message reduction was refined)`,
  };
}

function withRefinements(report: SearchReport, runs: number, first: BrokenPair | undefined, table: LocalStates, slots: Slot[]): SearchReport {
  if (runs === 0 || !first) return report;
  const slot = slots[table.slotOf[first.local]];
  const note = `${slot.kind} ${slot.node} ignored ${JSON.stringify(table.msgs[first.msg].msg)} once but handles it in a later state: the inert-message reduction was refined ${runs} time${runs === 1 ? '' : 's'}${report.reduced ? '' : ' and then turned off'}`;
  return { ...report, refinements: runs, note };
}

function errorReport(opts: ResolvedOptions, started: number, error: string): SearchReport {
  return {
    verdict: 'error',
    error,
    statesExplored: 0,
    transitions: 0,
    depthReached: 0,
    completeDepth: 0,
    exhausted: false,
    extent: 'the search could not start',
    roleStates: 0,
    elapsedMs: performance.now() - started,
    statesPerSecond: 0,
    searchBytes: 0,
    reduced: false,
    refinements: 0,
    options: publicOptions(opts),
  };
}

const publicOptions = (opts: ResolvedOptions) => ({ ...opts, maxDepth: Number.isFinite(opts.maxDepth) ? opts.maxDepth : null });

/** One BFS; `broken` is set when the run's reduction turned out unsound (then it must run again). */
function explore(
  roles: SearchRoles,
  opts: ResolvedOptions,
  slots: Slot[],
  table: LocalStates,
  inert: InertCollector,
  hooks: SearchHooks,
  started: number,
): { report: SearchReport; broken?: BrokenPair[] } {
  inert.startRun();
  const tr = new Transitions(table, slots, opts, inert);
  let init: Int32Array;
  try {
    const config = { nodes: slots.filter((s) => s.kind === 'acceptor').map((s) => s.node) };
    const locals = slots.map((s, i) => {
      const Cls = s.kind === 'acceptor' ? roles.Acceptor : s.kind === 'proposer' ? roles.Proposer : roles.Learner;
      return table.intern(i, new Cls(s.node, { nodes: [...config.nodes] }) as object);
    });
    init = tr.initial(locals);
  } catch (e) {
    const message = e instanceof UncloneableStateError ? e.message : `cannot construct the roles: ${e instanceof Error ? e.message : String(e)}`;
    return { report: errorReport(opts, started, message) };
  }

  const visited = new StateSet();
  visited.addWords(init, 0, init.length);
  // Per visited state (by index): the state it was reached from and the action taken.
  const parent = new IntVec(1 << 16);
  const via = new IntVec(1 << 16);
  parent.push(-1);
  via.push(-1);
  // Two BFS levels as arenas of records [index, length, words…].
  let level = new IntVec(1 << 12);
  let next = new IntVec(1 << 12);
  level.push(0);
  level.push(init.length);
  for (const w of init) level.push(w);
  let peakFrontier = level.bytes + next.bytes;

  let depth = 0;
  let completeDepth = 0;
  let transitions = 0;
  let stoppedBy: SearchReport['stoppedBy'];
  let nextReport = performance.now() + 100;
  /** The heartbeat: the sandbox hears from a long search (and from its check) every 100 ms or so. */
  const beat = () => {
    if (!hooks.onProgress) return;
    const now = performance.now();
    if (now < nextReport) return;
    nextReport = now + 100;
    hooks.onProgress({ states: visited.size, depth, elapsedMs: Math.round(now - started) });
  };

  const pathTo = (idx: number, last: number): number[] => {
    const path = [last];
    for (let i = idx; i > 0; i = parent.data[i]) path.push(via.data[i]);
    return path.reverse();
  };
  // The first goal state generated (BFS: one with the fewest steps), by its index in parent/via.
  const wantGoal = opts.goal !== 'none';
  let goalIdx = -1;
  let goalWords: Int32Array | null = null;
  const goalReached = (): SearchGoalReached | undefined => {
    if (goalIdx < 0 || opts.goal === 'none') return undefined;
    const actions = pathTo(parent.data[goalIdx], via.data[goalIdx]);
    const description = describeGoal(tr, tr.view(goalWords!, 0, goalWords!.length));
    return { name: opts.goal, description, depth: actions.length, trace: buildGoalTrace(tr, init, actions, description) };
  };
  const bytes = () => visited.bytes + parent.bytes + via.bytes + peakFrontier;
  const report = (r: Partial<SearchReport> & Pick<SearchReport, 'verdict' | 'extent'>): SearchReport => {
    const elapsedMs = performance.now() - started;
    const statesExplored = visited.size;
    return {
      statesExplored,
      transitions,
      depthReached: depth,
      completeDepth,
      exhausted: false,
      ...r,
      roleStates: table.objs.length,
      elapsedMs,
      statesPerSecond: elapsedMs > 0 ? Math.round((statesExplored * 1000) / elapsedMs) : statesExplored,
      searchBytes: bytes(),
      reduced: tr.inert !== null,
      refinements: 0,
      options: publicOptions(opts),
    };
  };
  /** The reduction's check, when this run reduced: pairs that broke it mean another run. */
  const unsound = (): BrokenPair[] | undefined => {
    if (!tr.inert) return undefined;
    const broken = tr.inert.check(table, beat);
    return broken.length > 0 ? broken : undefined;
  };

  outer: while (level.length > 0) {
    if (depth >= opts.maxDepth) {
      stoppedBy = 'depth';
      break;
    }
    next.clear();
    const buf = level.data;
    let n = 0;
    for (let o = 0; o < level.length; n++) {
      const idx = buf[o];
      const len = buf[o + 1];
      const so = o + 2;
      o = so + len;
      if ((n & 255) === 0) {
        if (table.objs.length > opts.maxRoleStates || table.keyChars > ROLE_STATE_CHARS) {
          stoppedBy = 'role-states';
          break outer;
        }
        beat();
      }
      const count = tr.enabled(buf, so);
      const acts = tr.acts;
      for (let a = 0; a < count; a++) {
        const act = acts[a];
        transitions++;
        const at = next.length + 2;
        const len2 = tr.successor(buf, so, len, act, next, at);
        if (len2 === 0) continue;
        if (len2 < 0) {
          // A violation is real whatever the reduction did; a sound run also makes it a shortest one.
          const broken = unsound();
          const found: Found = tr.found!;
          const actions = pathTo(idx, act);
          depth++;
          return {
            broken,
            report: report({
              verdict: 'violation',
              extent: `stopped at a violation after ${visited.size} states`,
              violation: { ...found, depth: actions.length, trace: buildCounterexampleTrace(tr, init, actions, found) },
              goalReached: goalReached(),
            }),
          };
        }
        const words = next.data;
        if (!visited.addWords(words, at, len2)) continue;
        const ti = parent.length;
        parent.push(idx);
        via.push(act);
        words[at - 2] = ti;
        words[at - 1] = len2;
        next.length = at + len2;
        if (wantGoal && goalIdx < 0 && tr.goalHolds(words, at)) {
          goalIdx = ti;
          goalWords = words.slice(at, at + len2);
        }
        if (visited.size >= opts.maxStates) {
          stoppedBy = 'states';
          depth++;
          break outer;
        }
      }
    }
    peakFrontier = Math.max(peakFrontier, level.bytes + next.bytes);
    [level, next] = [next, level];
    if (level.length > 0) {
      depth++;
      completeDepth = depth;
    }
  }
  peakFrontier = Math.max(peakFrontier, level.bytes + next.bytes);
  const broken = unsound();
  const exhausted = stoppedBy === undefined;
  let goalMissed: SearchGoalMissed | undefined;
  if (opts.goal !== 'none' && goalIdx < 0) {
    const miss = explainMiss(tr);
    const where = exhausted ? '' : stoppedBy === 'depth' ? ` within the bounds (${opts.maxDepth} steps)` : ` of up to ${completeDepth} steps (the first ${visited.size} states)`;
    goalMissed = { name: opts.goal, ...miss, summary: `no order of deliveries${where} lets ${GOAL_WANTS[opts.goal]}: ${miss.message}` };
  }
  return {
    broken,
    report: report({
      verdict: goalMissed ? 'goal-unreached' : 'ok',
      extent: extentOf(stoppedBy, visited.size, completeDepth, opts, table.objs.length),
      depthReached: depth,
      exhausted,
      stoppedBy,
      goalReached: goalReached(),
      goalMissed,
    }),
  };
}

/** What a search that found no violation covered, in words that depend only on the search. */
function extentOf(stoppedBy: SearchReport['stoppedBy'], states: number, completeDepth: number, opts: ResolvedOptions, roleStates: number): string {
  switch (stoppedBy) {
    case undefined:
      return `exhaustive: ${states} states, every order of deliveries`;
    case 'depth':
      return `every order of up to ${opts.maxDepth} steps: ${states} states`;
    case 'states':
      return `no violation in the first ${states} states, not exhaustive (every order of up to ${completeDepth} steps)`;
    case 'role-states':
      return `no violation in the first ${states} states, not exhaustive: the roles' states kept growing (${roleStates} distinct role states, the most the search keeps); every order of up to ${completeDepth} steps`;
  }
}
