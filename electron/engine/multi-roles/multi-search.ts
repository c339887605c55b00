/**
 * The multi-decree search: every order of events in a small Multi-Paxos configuration, explored
 * exhaustively (breadth first, so a counterexample is a shortest one). Acceptors on nodes 1..n, two
 * proposers on nodes 1 and 2 (each with a number of rounds and values to propose), one learner on
 * node n. The network is the set model: every message sent stays deliverable, any number of times,
 * in any order, which covers loss, duplication and reordering at once. Slots above `maxSlot` are cut
 * off (their ACCEPTs go nowhere), which keeps the space finite.
 *
 * Role objects are the student's (guarded) or the reference's; each distinct role state is cloned
 * and keyed (search/state-codec.ts), and what a handler does from it is computed once. Budgets are
 * counted in states, never in time, so the verdict is a function of the roles and the options.
 */
import type { MultiAcceptorClass, MultiLearnerClass, MultiProposerClass, NodeId } from '@paxlab/sdk';
import { hostAccess } from '../grading/host-access.js';
import { messageProblems } from '../labs/message-shape.js';
import type { MethodSpec } from '../labs/role-spec.js';
import { ROLE_SPECS } from '../labs/role-spec.js';
import { isGuardedRole } from '../realm/guarded-role.js';
import { cloneState, stateKey, UncloneableStateError } from '../search/state-codec.js';

export interface MultiSearchRoles {
  Acceptor: MultiAcceptorClass;
  Proposer: MultiProposerClass;
  Learner: MultiLearnerClass;
}

export interface MultiSearchOptions {
  /** Acceptors on nodes 1..n (default 3). */
  acceptors?: number;
  /** Per proposer (on nodes 1, 2, …): how many rounds it may start and the values it proposes, in order. */
  proposers?: Array<{ rounds: number; values: string[] }>;
  /** The highest slot explored (default 2). */
  maxSlot?: number;
  /** The window α of every role (default 2). */
  alpha?: number;
  /** The state budget (default 400 000): more distinct global states end the search, not exhaustive. */
  maxStates?: number;
  /** Put a learner on node n (default false: what is chosen is judged from the acceptors' LEARNs). */
  learner?: boolean;
}

export type MultiSearchChecker = 'multi-agreement' | 'multi-learner-safety' | 'multi-goal' | 'handler-error' | 'handler-output' | 'input-mutation' | 'uncloneable';

export interface MultiSearchReport {
  verdict: 'ok' | 'violation' | 'budget';
  exhaustive: boolean;
  states: number;
  /** The failed check, when the verdict is 'violation'. */
  checker?: MultiSearchChecker;
  message?: string;
  /** The events that lead there, one line each. */
  path?: string[];
  /** One line, a function of the roles and options only. */
  extent: string;
}

interface Role {
  kind: 'acceptor' | 'proposer' | 'learner';
  node: NodeId;
  /** Proposer index (into options.proposers). */
  index: number;
}

interface Msg {
  to: number;
  text: string;
  call: string;
  input: unknown;
}

interface Effect {
  next: number;
  out: number[];
  decide?: { slot: number; val: string };
  error?: { checker: MultiSearchChecker; message: string };
}

interface GState {
  locals: number[];
  rounds: number[];
  proposals: number[];
  net: number[];
  decisions: string[];
}

const isObj = (o: unknown): o is Record<string, unknown> => typeof o === 'object' && o !== null && !Array.isArray(o);

export function runMultiSearch(roles: MultiSearchRoles, o: MultiSearchOptions = {}): MultiSearchReport {
  const n = o.acceptors ?? 3;
  const props = o.proposers ?? [
    { rounds: 2, values: ['a1', 'a2'] },
    { rounds: 1, values: ['b1'] },
  ];
  const maxSlot = o.maxSlot ?? 2;
  const maxStates = o.maxStates ?? 400_000;
  const nodes = Array.from({ length: n }, (_, i) => i + 1);
  const config = { nodes, alpha: o.alpha ?? 2 };
  const quorum = Math.floor(n / 2) + 1;
  const slots: Role[] = [
    ...nodes.map((node) => ({ kind: 'acceptor' as const, node, index: -1 })),
    ...props.map((_, i) => ({ kind: 'proposer' as const, node: i + 1, index: i })),
    ...(o.learner ? [{ kind: 'learner' as const, node: n, index: -1 }] : []),
  ];
  const acceptorSlots = slots.flatMap((s, i) => (s.kind === 'acceptor' ? [i] : []));
  const learnerSlot = o.learner ? slots.length - 1 : -1;
  const spec = ROLE_SPECS['multi-paxos'].methods;

  // ---- the table of role states and their effects
  const objs: object[] = [];
  const keys = new Map<string, number>();
  const memo: Array<Map<string, Effect>> = [];
  const intern = (slot: number, obj: object, key: string): number => {
    const k = `${slot}#${key}`;
    let id = keys.get(k);
    if (id === undefined) {
      id = objs.length;
      keys.set(k, id);
      objs.push(obj);
      memo.push(new Map());
    }
    return id;
  };
  const msgs: Msg[] = [];
  const msgIds = new Map<string, number>();
  const msgId = (to: number, call: string, input: unknown): number => {
    const text = JSON.stringify(input);
    const k = `${to}:${text}`;
    let id = msgIds.get(k);
    if (id === undefined) {
      id = msgs.length;
      msgIds.set(k, id);
      msgs.push({ to, text, call, input });
    }
    return id;
  };

  const route = (from: Role, kind: string, out: Record<string, unknown>, eff: Effect) => {
    if (kind === 'prepare' || kind === 'accept') {
      if (kind === 'accept' && (out.slot as number) > maxSlot) return;
      for (const a of acceptorSlots) eff.out.push(msgId(a, kind === 'prepare' ? 'handlePrepare' : 'handleAccept', out));
    } else if (kind === 'promise') {
      const p = slots.findIndex((s) => s.kind === 'proposer' && s.node === out.to);
      if (p >= 0) eff.out.push(msgId(p, 'handlePromise', out));
    } else if (kind === 'learn') {
      // Without a learner the LEARN still goes on the network (to no one): what is chosen is read from it.
      eff.out.push(msgId(learnerSlot, 'handleLearn', out));
    }
    void from;
  };

  const effect = (local: number, slotIdx: number, call: string, input: unknown, what: string): Effect => {
    const memoKey = `${call}|${JSON.stringify(input ?? null)}`;
    const row = memo[local];
    const known = row.get(memoKey);
    if (known) return known;
    const role = slots[slotIdx];
    const who = `${role.kind} ${role.node}: ${what}`;
    const err = (checker: MultiSearchChecker, message: string): Effect => ({ next: local, out: [], error: { checker, message: `${who}: ${message}`.slice(0, 2000) } });
    let e: Effect;
    compute: {
      let obj: object;
      try {
        obj = cloneState(objs[local]);
      } catch (x) {
        if (x instanceof UncloneableStateError) {
          e = err('uncloneable', x.message);
          break compute;
        }
        throw x;
      }
      let out: unknown;
      if (isGuardedRole(obj)) {
        const r = obj.callRaw(call, input);
        if (r.kind === 'missing') {
          e = err('handler-error', r.message);
          break compute;
        }
        if (r.kind === 'threw') {
          const host = hostAccess(r.thrown);
          e = err('handler-error', `threw ${r.thrown.name}: ${r.thrown.message}${host ? ` (${host})` : ''}`);
          break compute;
        }
        if (r.mutated) {
          e = err('input-mutation', `changed its input (${r.mutated.text})`);
          break compute;
        }
        if ('garbage' in r.out) {
          e = err('handler-output', `returned ${r.out.garbage}`);
          break compute;
        }
        out = r.out.json;
      } else {
        const fn = (obj as Record<string, unknown>)[call] as (x?: unknown) => unknown;
        out = fn.call(obj, input === undefined ? undefined : structuredClone(input));
        if (out !== null && typeof out === 'object') out = JSON.parse(JSON.stringify(out));
      }
      let objKey: string;
      try {
        objKey = stateKey(obj);
      } catch (x) {
        if (x instanceof UncloneableStateError) {
          e = err('uncloneable', x.message);
          break compute;
        }
        throw x;
      }
      const next = intern(slotIdx, obj, objKey);
      e = { next, out: [] };
      const m: MethodSpec = spec[call];
      if (m.output === 'void' || out === null || out === undefined) {
        if (!m.nullable && out == null) e = err('handler-output', `returned ${String(out)}, not a ${m.output}`);
        break compute;
      }
      const problems = messageProblems(out, m.output);
      if (problems.length) {
        e = err('handler-output', `returned ${JSON.stringify(out)?.slice(0, 200)}: ${problems.join('; ')}`);
        break compute;
      }
      if (m.output === 'decision') {
        e.decide = out as { slot: number; val: string };
        break compute;
      }
      const list = m.output === 'multi-accepts' ? (out as Record<string, unknown>[]) : [out as Record<string, unknown>];
      for (const x of list) route(role, x.kind as string, x, e);
    }
    row.set(memoKey, e);
    return e;
  };

  // ---- the initial state
  const locals = slots.map((s, i) => {
    const Cls = s.kind === 'acceptor' ? roles.Acceptor : s.kind === 'proposer' ? roles.Proposer : roles.Learner;
    const obj = new Cls(s.node, { nodes: [...config.nodes], alpha: config.alpha }) as unknown as object;
    return intern(i, obj, stateKey(obj));
  });
  const init: GState = { locals, rounds: props.map(() => 0), proposals: props.map(() => 0), net: [], decisions: [] };
  const keyOf = (g: GState) => `${g.locals.join(',')}/${g.rounds.join(',')}/${g.proposals.join(',')}/${g.net.join(',')}/${g.decisions.join(',')}`;
  const seen = new Map<string, number>([[keyOf(init), 0]]);
  const states: GState[] = [init];
  const parent: number[] = [-1];
  const step: string[] = [''];
  let goal = false;

  const pathTo = (i: number, last: string): string[] => {
    const out = [last];
    for (let k = i; k > 0; k = parent[k]) out.push(step[k]);
    return out.reverse();
  };
  const violation = (at: number, last: string, checker: MultiSearchChecker, message: string): MultiSearchReport => ({
    verdict: 'violation',
    exhaustive: false,
    states: states.length,
    checker,
    message,
    path: pathTo(at, last),
    extent: `stopped at a violation after ${states.length} states`,
  });

  /** What is chosen in each slot: (slot → values) from the LEARNs the acceptors sent, a quorum in one round. */
  const chosen = (net: number[]): Map<number, Set<string>> => {
    const votes = new Map<string, Set<number>>();
    for (const id of net) {
      const m = msgs[id];
      if (m.call !== 'handleLearn') continue;
      const l = m.input as Record<string, unknown>;
      const k = `${l.slot as number}|${l.rnd as number}|${JSON.stringify(l.val)}`;
      let s = votes.get(k);
      if (!s) votes.set(k, (s = new Set()));
      s.add(l.from as number);
    }
    const out = new Map<number, Set<string>>();
    for (const [k, s] of votes) {
      if (s.size < quorum) continue;
      const [slot, , val] = k.split('|');
      let vals = out.get(Number(slot));
      if (!vals) out.set(Number(slot), (vals = new Set()));
      vals.add(JSON.parse(val) as string);
    }
    return out;
  };

  for (let head = 0; head < states.length; head++) {
    const g = states[head];
    const moves: Array<{ slot: number; call: string; input: unknown; what: string; counter?: 'rounds' | 'proposals'; k?: number; msg?: number }> = [];
    props.forEach((p, k) => {
      const slot = acceptorSlots.length + k;
      if (g.rounds[k] < p.rounds) moves.push({ slot, call: 'startRound', input: 0, what: 'startRound(0)', counter: 'rounds', k });
      if (g.proposals[k] < p.values.length) {
        const v = p.values[g.proposals[k]];
        moves.push({ slot, call: 'propose', input: v, what: `propose(${JSON.stringify(v)})`, counter: 'proposals', k });
      }
    });
    for (const id of g.net) {
      const m = msgs[id];
      if (m.to < 0) continue;
      moves.push({ slot: m.to, call: m.call, input: m.input, what: `${m.call}(${m.text})`, msg: id });
    }
    for (const mv of moves) {
      const e = effect(g.locals[mv.slot], mv.slot, mv.call, mv.input, mv.what);
      const line = `${slots[mv.slot].kind} ${slots[mv.slot].node}: ${mv.what}`;
      if (e.error) return violation(head, line, e.error.checker, e.error.message);
      // A delivery that changes nothing (an old message again) leads back to this state.
      const fresh = e.out.filter((id) => !g.net.includes(id));
      if (e.next === g.locals[mv.slot] && fresh.length === 0 && !e.decide && !mv.counter) continue;
      const next: GState = {
        locals: g.locals.slice(),
        rounds: mv.counter === 'rounds' ? g.rounds.map((r, i) => (i === mv.k ? r + 1 : r)) : g.rounds,
        proposals: mv.counter === 'proposals' ? g.proposals.map((r, i) => (i === mv.k ? r + 1 : r)) : g.proposals,
        net: g.net,
        decisions: g.decisions,
      };
      next.locals[mv.slot] = e.next;
      if (fresh.length) next.net = [...new Set([...g.net, ...fresh])].sort((a, b) => a - b);
      if (e.decide) {
        const d = `${e.decide.slot}=${JSON.stringify(e.decide.val)}`;
        if (!g.decisions.includes(d)) next.decisions = [...g.decisions, d].sort();
      }
      // What is chosen changes only with new LEARNs; a decision is judged against it.
      if (fresh.some((id) => msgs[id].call === 'handleLearn') || e.decide) {
        const ch = chosen(next.net);
        for (const [slot, vals] of ch) {
          if (vals.size > 1) return violation(head, line, 'multi-agreement', `slot ${slot} has two values chosen: ${[...vals].map((v) => JSON.stringify(v)).join(' and ')} (each by a quorum of acceptors in one round)`);
        }
        if (ch.size > 0 && !o.learner) goal = true;
        if (e.decide && !ch.get(e.decide.slot)?.has(e.decide.val)) {
          return violation(head, line, 'multi-learner-safety', `the learner reported slot ${e.decide.slot} = ${JSON.stringify(e.decide.val)}, which no quorum of acceptors voted for in one round`);
        }
      }
      if (next.decisions.length) goal = true;
      const key = keyOf(next);
      if (seen.has(key)) continue;
      if (states.length >= maxStates) {
        return { verdict: 'budget', exhaustive: false, states: states.length, extent: `no violation in the first ${maxStates} states, not exhaustive` };
      }
      seen.set(key, states.length);
      states.push(next);
      parent.push(head);
      step.push(line);
    }
  }
  if (!goal) {
    return {
      verdict: 'violation',
      exhaustive: true,
      states: states.length,
      checker: 'multi-goal',
      message: `in every order of events (${states.length} states) ${o.learner ? 'the learner never reports a slot' : 'no slot is ever chosen (no quorum of acceptors votes for one value in one round)'}`,
      extent: `exhaustive: ${states.length} states`,
    };
  }
  return { verdict: 'ok', exhaustive: true, states: states.length, extent: `exhaustive: ${states.length} states, every order of events` };
}
