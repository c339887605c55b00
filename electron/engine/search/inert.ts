/**
 * Inert-message collection ('set' network): a message that does nothing at all in its addressee's
 * current state (same state, nothing sent, voted or decided) is dropped from the network, which
 * shrinks the space by an order of magnitude. That is sound as long as the role keeps ignoring the
 * message in every later state. The collector records every (role state, message) pair it dropped;
 * `check` then verifies the assumption on the role's state graph as the search saw it, and marks
 * every pair that broke it as exempt: the next run keeps that message in the network in that state,
 * and only there. Runs repeat until no pair breaks (a fixpoint), so the reduction stays sound for
 * any role, and a role that handles a message it once ignored costs a re-run, not an unreduced
 * search.
 *
 * Why the check suffices: every step of a real run is either a step the reduced search takes too,
 * or the delivery of a collected message m; that happens in a state y of m's addressee that the
 * search reached from the state x where m was collected, along steps the search took. If m does
 * nothing in y either, the real step changes nothing, and by induction every real state has a
 * reduced counterpart with the same role states, history and decisions.
 */
import { BitRow } from './arena.js';
import type { Effect, LocalStates } from './local-states.js';

/** A collected pair whose message the role handled in a later state. */
export interface BrokenPair {
  /** The role state the message was collected in, and the later one that handles it. */
  local: number;
  later: number;
  msg: number;
}

export class InertCollector {
  /** Per role state: the messages collected in it. */
  private collected: BitRow[] = [];
  /** Per role state: the messages that must not be collected in it (they broke the check). */
  private readonly exempted: BitRow[] = [];
  exemptions = 0;

  /** Records that `msg` was dropped while its addressee was in role state `local`. */
  record(local: number, msg: number): void {
    let row = this.collected[local];
    if (row === undefined) this.collected[local] = row = new BitRow();
    row.add(msg);
  }

  exempt(local: number, msg: number): boolean {
    const row = this.exempted[local];
    return row !== undefined && row.has(msg);
  }

  /** Forgets what was collected (before another run); exemptions stay. */
  startRun(): void {
    this.collected = [];
  }

  /**
   * Checks every collected pair against the later states of its role the search saw (the effects
   * the table holds), exempts the pairs that break, and returns them. Linear in the role-state graph
   * per message, so a role with very many states does not make it quadratic. Verifying computes
   * effects the search never needed; when they lead to new role states (a message handled where it
   * was collected), it goes again over the larger graph, so that one run finds every pair the next
   * run would otherwise break on.
   */
  check(table: LocalStates, beat: () => void = () => {}): BrokenPair[] {
    const broken: BrokenPair[] = [];
    for (let edges = -1; ; ) {
      const graph = roleGraph(table);
      if (graph.edges === edges) return broken;
      edges = graph.edges;
      broken.push(...this.checkOver(table, graph, beat));
    }
  }

  /** `beat` is called now and then, so that a long check still heartbeats. */
  private checkOver(table: LocalStates, { succ, pred }: RoleGraph, beat: () => void): BrokenPair[] {
    // Per message: the role states where it was collected (and is not exempt by now).
    const origins = new Map<number, number[]>();
    this.collected.forEach((row, local) => {
      if (row === undefined) return;
      for (const msg of row) {
        if (this.exempt(local, msg)) continue;
        const list = origins.get(msg);
        if (list) list.push(local);
        else origins.set(msg, [local]);
      }
    });
    const broken: BrokenPair[] = [];
    const seen = new Uint8Array(succ.length);
    for (const msg of [...origins.keys()].sort((a, b) => a - b)) {
      const from = new Set(origins.get(msg));
      seen.fill(0);
      const todo = [...from];
      for (const x of from) seen[x] = 1;
      for (let steps = 0; todo.length > 0; steps++) {
        if ((steps & 1023) === 0) beat();
        const y = todo.pop()!;
        if (!from.has(y) && !noOp(table.effect(y, msg + 8), y)) {
          // Every origin from which y is reachable breaks: found backwards from y.
          for (const x of ancestorsAmong(pred, y, from)) {
            broken.push({ local: x, later: y, msg });
            this.exemptPair(x, msg);
            from.delete(x);
          }
          continue;
        }
        for (const z of succ[y]) {
          if (seen[z]) continue;
          seen[z] = 1;
          todo.push(z);
        }
      }
    }
    return broken;
  }

  private exemptPair(local: number, msg: number): void {
    let ex = this.exempted[local];
    if (ex === undefined) this.exempted[local] = ex = new BitRow();
    if (ex.add(msg)) this.exemptions++;
  }
}

interface RoleGraph {
  succ: number[][];
  pred: number[][];
  edges: number;
}

/** The role-state graph of the effects computed so far (self-loops left out), both ways. */
function roleGraph(table: LocalStates): RoleGraph {
  const n = table.objs.length;
  const succ: number[][] = Array.from({ length: n }, () => []);
  const pred: number[][] = Array.from({ length: n }, () => []);
  let edges = 0;
  for (let x = 0; x < n; x++) {
    for (const e of table.knownEffects(x)) {
      if (e.next === x || succ[x].includes(e.next)) continue;
      succ[x].push(e.next);
      pred[e.next].push(x);
      edges++;
    }
  }
  return { succ, pred, edges };
}

/** Effect `e` in role state y does nothing at all: same state, no output, no history, no decision, no error. */
function noOp(e: Effect, y: number): boolean {
  return !e.error && e.next === y && e.decide < 0 && e.out.length === 0 && e.hist.length === 0;
}

/** The members of `among` from which `y` is reachable (following `pred` back from y). */
function ancestorsAmong(pred: number[][], y: number, among: Set<number>): number[] {
  const seen = new Set<number>([y]);
  const todo = [y];
  const found: number[] = [];
  while (todo.length > 0) {
    const z = todo.pop()!;
    for (const p of pred[z]) {
      if (seen.has(p)) continue;
      seen.add(p);
      if (among.has(p)) found.push(p);
      todo.push(p);
    }
  }
  return found.sort((a, b) => a - b);
}
