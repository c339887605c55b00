// The inert-message reduction is sound for any role: the reduced search (refined where a role handles
// a message it once ignored) reaches the same verdict, the same shortest counterexample and the same
// shortest path to the goal as the unreduced search, for every lab mutant and for every combination
// of a family of acceptor bugs.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AcceptMsg, LearnMsg, PrepareMsg, PromiseMsg } from '@paxlab/sdk';
import { runSearch, type SearchOptions, type SearchReport, type SearchRoles } from '../../electron/engine/search/index.js';
import { Acceptor } from '../../labs/01-acceptor/reference/acceptor.js';
import { Proposer } from '../../labs/02-proposer/reference/proposer.js';
import { Learner } from '../../labs/03-learner/reference/learner.js';

const reference: SearchRoles = { Acceptor, Proposer, Learner };
const labs = path.resolve(import.meta.dirname, '../../labs');

/** What must not depend on the reduction: the verdict, the shortest counterexample, the shortest goal path, exhaustiveness. */
const outcome = (r: SearchReport) => ({
  verdict: r.verdict,
  checker: r.violation?.checker,
  depth: r.violation?.depth,
  goal: r.goalReached?.depth,
  exhausted: r.exhausted,
});

function agree(roles: SearchRoles, options: SearchOptions): SearchReport {
  const reduced = runSearch(roles, options);
  const full = runSearch(roles, { ...options, reduce: false });
  expect(outcome(reduced)).toEqual(outcome(full));
  if (reduced.verdict !== 'violation') expect(reduced.statesExplored).toBeLessThanOrEqual(full.statesExplored);
  return reduced;
}

describe('the reduced search agrees with the unreduced one', () => {
  const packs = [
    ['01-acceptor', 'Acceptor', {}],
    ['02-proposer', 'Proposer', {}],
    ['03-learner', 'Learner', { learners: 1 }],
  ] as const;
  for (const [dir, key, extra] of packs) {
    it(`on every mutant of ${dir}, in two small configurations`, async () => {
      let refined = 0;
      for (const file of readdirSync(path.join(labs, dir, 'mutants')).sort()) {
        const cls = (await import(path.join(labs, dir, 'mutants', file)))[key];
        const roles = { ...reference, [key]: cls } as SearchRoles;
        for (const options of [{ maxRounds: 1, ...extra }, { maxRounds: 2, values: ['v1'], ...extra }]) {
          refined += agree(roles, options).refinements > 0 ? 1 : 0;
        }
      }
      // Some mutants do break the reduction's assumption: the comparison covers refined runs.
      if (dir !== '03-learner') expect(refined).toBeGreaterThan(0);
    }, 120_000);
  }

  it('on all 32 combinations of five acceptor bugs', () => {
    let refined = 0;
    for (let bits = 0; bits < 32; bits++) {
      const bug = (i: number) => (bits & (1 << i)) !== 0;
      class Variant extends Acceptor {
        override handlePrepare(msg: PrepareMsg): PromiseMsg | null {
          // 0: promises an equal round; 1: does not record the promise; 4: answers a stale PREPARE once it voted.
          if (bug(4) && msg.crnd <= this.rnd && this.vrnd !== 0) return { kind: 'promise', to: msg.from, from: this.id, rnd: this.rnd, vrnd: this.vrnd, vval: this.vval };
          if (bug(0) ? msg.crnd < this.rnd : msg.crnd <= this.rnd) return null;
          if (!bug(1)) this.rnd = msg.crnd;
          return { kind: 'promise', to: msg.from, from: this.id, rnd: msg.crnd, vrnd: this.vrnd, vval: this.vval };
        }
        override handleAccept(msg: AcceptMsg): LearnMsg | null {
          // 2: takes any ACCEPT; 3: does not raise rnd.
          if (!bug(2) && msg.rnd < this.rnd) return null;
          if (!bug(3)) this.rnd = msg.rnd;
          this.vrnd = msg.rnd;
          this.vval = msg.val;
          return { kind: 'learn', from: this.id, rnd: msg.rnd, val: msg.val };
        }
      }
      refined += agree({ ...reference, Acceptor: Variant }, { maxRounds: 1 }).refinements > 0 ? 1 : 0;
    }
    expect(refined).toBeGreaterThan(0);
  }, 120_000);
});
