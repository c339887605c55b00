/**
 * Inert-message collection ('set' network): a message its addressee ignores (same state, nothing new
 * sent, voted or decided) is dropped from the network, which shrinks the space by an order of
 * magnitude. That is sound as long as the role keeps ignoring the message in every later state. The
 * collector records every (role state, message) pair it dropped; `check` then verifies the
 * assumption on the role's state graph as the search saw it, and marks every pair that broke it as
 * exempt: the next run keeps that message in the network in that state, and only there. Runs repeat
 * until no pair breaks (a fixpoint), so the reduction stays sound for any role, and a role that
 * handles a message it once ignored costs a few re-runs, not an unreduced search.
 *
 * Why the check suffices: every step of a real run is either a step the reduced search takes too,
 * or the delivery of a collected message m; that happens in a state y of m's addressee that the
 * search reached from the state x where m was collected, along steps the search took. If m is
 * ignored in y (no new state, decision or history; outputs among those of (x, m), which were sent
 * before), the real step changes nothing the reduced state lacks, and by induction every real
 * state has a reduced counterpart with the same role states, history and decisions.
 */
import { BitRow } from './arena.js';
import type { LocalStates } from './local-states.js';

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
   * the table holds), exempts the pairs that break, and returns them.
   */
  check(table: LocalStates): BrokenPair[] {
    const broken: BrokenPair[] = [];
    this.collected.forEach((row, local) => {
      if (row === undefined) return;
      const later = descendants(table, local);
      for (const msg of row) {
        const action = msg + 8;
        const base = table.effect(local, action);
        for (const y of later) {
          const e = table.effect(y, action);
          const ignored = !e.error && e.next === y && e.decide < 0 && e.out.every((o) => base.out.includes(o)) && e.hist.every((x) => base.hist.includes(x));
          if (ignored) continue;
          broken.push({ local, later: y, msg });
          let ex = this.exempted[local];
          if (ex === undefined) this.exempted[local] = ex = new BitRow();
          if (ex.add(msg)) this.exemptions++;
          break;
        }
      }
    });
    return broken;
  }
}

/** The role states reachable from `local` by the effects computed so far, `local` excluded. */
function descendants(table: LocalStates, local: number): number[] {
  const seen = new Set<number>([local]);
  const out: number[] = [];
  const todo = [local];
  while (todo.length > 0) {
    const x = todo.pop()!;
    for (const e of table.knownEffects(x)) {
      if (seen.has(e.next)) continue;
      seen.add(e.next);
      out.push(e.next);
      todo.push(e.next);
    }
  }
  return out.sort((a, b) => a - b);
}
