/**
 * Turns a path of search actions into a trace in the one event format (meta source 'search'), so the
 * counterexample (or the shortest path to the goal) can be drawn as a space-time diagram, judged by
 * the trace checkers and replayed. Virtual time is the step number.
 */
import { proposedValue } from './local-states.js';
import { TraceRecorder } from '../trace/recorder.js';
import type { TraceEvent } from '../trace/events.js';
import { IntVec } from './arena.js';
import { A_CRASH, A_DELIVER, A_DROP, A_DUP, A_PROPOSE, A_RESTART, A_START, Transitions, unpack, type Found } from './explorer.js';

export function buildCounterexampleTrace(tr: Transitions, init: Int32Array, actions: number[], found: Found): TraceEvent[] {
  const { rec } = recordPath(tr, init, actions, `search counterexample: ${found.checker}`);
  // Name the broken invariant at the end, so the trace explains itself (a handler error already did).
  const last = rec.events[rec.events.length - 1];
  if (last.type !== 'error') rec.record({ type: 'error', t: actions.length, message: `violation (${found.checker}): ${found.message}` });
  return rec.events;
}

/** The shortest path to the goal, ending with a log line that says what was reached. */
export function buildGoalTrace(tr: Transitions, init: Int32Array, actions: number[], reached: string): TraceEvent[] {
  const { rec, last } = recordPath(tr, init, actions, `search goal: ${reached}`);
  rec.record({ type: 'log', t: actions.length, node: last, text: `goal reached: ${reached}` });
  return rec.events;
}

/** Replays `actions` from `init` into a recorder; `last` is the node the last action happened at. */
function recordPath(tr: Transitions, init: Int32Array, actions: number[], title: string): { rec: TraceRecorder; last: number } {
  const { table, slots } = tr;
  const nodes = [...new Set(slots.map((s) => s.node))].sort((a, b) => a - b);
  const rec = new TraceRecorder({ source: 'search', nodes, protocol: 'single-decree', title });
  let lastNode = nodes[0];
  /** In-flight copies per interned message: [trace id, copy]. */
  const inflight = new Map<number, [number, number][]>();
  const copies = new Map<number, number>();
  const delivered = new Set<number>();
  let nextId = 1;
  let s = init;
  const scratch = new IntVec(64);

  actions.forEach((action, step) => {
    const t = step + 1;
    const { type, arg } = unpack(action);
    const take = (m: number) => inflight.get(m)!.shift()!;
    const msg = type === A_DELIVER || type === A_DROP || type === A_DUP ? table.msgs[arg] : null;
    switch (type) {
      case A_START:
        rec.record({ type: 'timer', t, node: slots[arg].node, name: 'start-round' });
        break;
      case A_PROPOSE: {
        const k = tr.proposerSlots.indexOf(arg);
        const n = (s[tr.layout.p] >> (3 * k)) & 7;
        rec.record({ type: 'client-request', t, node: slots[arg].node, request: `c${k + 1}.${n + 1}`, value: proposedValue(tr.opts.values, k, n) });
        break;
      }
      case A_DELIVER: {
        if (tr.opts.network === 'set') {
          // The set model keeps a delivered message deliverable: a second delivery is a duplicate.
          const [id, first] = inflight.get(arg)![0];
          let copy = first;
          if (delivered.has(id)) {
            copy = (copies.get(id) ?? 0) + 1;
            copies.set(id, copy);
            rec.record({ type: 'duplicate', t, id, from: msg!.from, to: msg!.to, copy });
          }
          delivered.add(id);
          rec.record({ type: 'deliver', t, id, from: msg!.from, to: msg!.to, msg: msg!.msg, copy });
          break;
        }
        const [id, copy] = take(arg);
        rec.record({ type: 'deliver', t, id, from: msg!.from, to: msg!.to, msg: msg!.msg, copy });
        break;
      }
      case A_DROP: {
        const [id, copy] = take(arg);
        rec.record({ type: 'drop', t, id, from: msg!.from, to: msg!.to, reason: 'loss', copy });
        break;
      }
      case A_DUP: {
        const [id] = inflight.get(arg)![0];
        const copy = (copies.get(id) ?? 0) + 1;
        copies.set(id, copy);
        inflight.get(arg)!.push([id, copy]);
        rec.record({ type: 'duplicate', t, id, from: msg!.from, to: msg!.to, copy });
        break;
      }
      case A_CRASH: {
        rec.record({ type: 'crash', t, node: slots[arg].node });
        for (const [m, list] of inflight) {
          if (table.msgs[m].toSlot !== arg) continue;
          for (const [id, copy] of list.splice(0)) rec.record({ type: 'drop', t, id, from: table.msgs[m].from, to: table.msgs[m].to, reason: 'crashed', copy });
        }
        break;
      }
      case A_RESTART:
        rec.record({ type: 'restart', t, node: slots[arg].node });
        break;
    }
    const eff = tr.effectOf(s, 0, action);
    if (eff) lastNode = slots[eff.slot].node;
    if (eff?.effect.error) {
      rec.record({ type: 'error', t, node: slots[eff.slot].node, message: eff.effect.error.message });
      return;
    }
    if (eff) {
      for (const m of eff.effect.out) {
        const nm = table.msgs[m];
        const id = nextId++;
        rec.record({ type: 'send', t, id, from: nm.from, to: nm.to, msg: nm.msg });
        if (tr.downOf(s, 0) & (1 << slots[nm.toSlot].index) && slots[nm.toSlot].kind === 'acceptor') {
          rec.record({ type: 'drop', t, id, from: nm.from, to: nm.to, reason: 'down', copy: 0 });
        } else if (tr.opts.network === 'multiset' || !inflight.has(m)) {
          if (!inflight.has(m)) inflight.set(m, []);
          inflight.get(m)!.push([id, 0]);
        }
      }
      if (tr.learnerSlots.length === 0) {
        // No learners in the model: still show the acceptor's votes as learns sent to every node, so
        // the trace carries what the chosen-value checker judges.
        for (const hid of eff.effect.hist) {
          const e = table.hist[hid];
          if (!e.vote) continue;
          const msg = { kind: 'learn', from: e.node, rnd: e.rnd, val: table.values[e.val] };
          for (const to of nodes) rec.record({ type: 'send', t, id: nextId++, from: e.node, to, msg });
        }
      }
      if (eff.effect.decide >= 0) rec.record({ type: 'decide', t, node: slots[eff.slot].node, value: table.values[eff.effect.decide], slot: 0 });
    }
    const n = tr.successor(s, 0, s.length, action, scratch, 0);
    if (n > 0) s = scratch.data.slice(0, n);
  });
  return { rec, last: lastNode };
}
