// Which rule a failing trace step names: the rule that governs what the output got wrong (its own
// rule when that one covers the difference, else the first rule of the manifest that does, or the
// step's blame where the trace makes the cause certain).
import { describe, expect, it } from 'vitest';
import { attributeRule } from '../../electron/engine/grading/attribution.js';
import { differenceKinds, differences } from '../../electron/engine/labs/output-differences.js';
import { ROLE_SPECS } from '../../electron/engine/labs/role-spec.js';
import { loadLab } from '../../electron/engine/grading/index.js';

const prepare = ROLE_SPECS.acceptor.methods.handlePrepare;
const promise = (o: Partial<Record<'to' | 'from' | 'rnd' | 'vrnd', number>> & { vval?: string | null } = {}) => ({ kind: 'promise', to: 1, from: 2, rnd: 3, vrnd: 0, vval: null, ...o });

describe('differences between an expected and an actual output', () => {
  it('are missing, unexpected, or the fields that differ in LAB-API.md order', () => {
    expect(differences(promise(), null, prepare)).toEqual(['missing']);
    expect(differences(null, promise(), prepare)).toEqual(['unexpected']);
    expect(differences(promise(), promise({ vval: 'x', rnd: 4 }), prepare)).toEqual(['rnd', 'vval']);
    expect(differences('a', 'b', ROLE_SPECS.learner.methods.handleLearn)).toEqual(['value']);
    expect(differenceKinds(prepare)).toEqual(['missing', 'unexpected', 'to', 'from', 'rnd', 'vrnd', 'vval']);
    // startRound must return a prepare: there is no 'unexpected' for it.
    expect(differenceKinds(ROLE_SPECS.proposer.methods.startRound)).toEqual(['missing', 'from', 'crnd']);
  });
});

describe('the rule a failing step names', () => {
  it('in the acceptor lab: a missing promise breaks prepare.higher, whatever the step tests', async () => {
    const { rules } = (await loadLab('acceptor')).manifest;
    const step = (rule: string, blame?: Record<string, string>) => ({ rule, call: 'handlePrepare', blame });
    // The starter returns null where the step tests the (empty) vote of a promise.
    expect(attributeRule(rules, step('acceptor.promise.no-vote'), ['missing'])).toBe('acceptor.prepare.higher');
    // A wrong vote is the step's own rule, which covers vrnd and vval.
    expect(attributeRule(rules, step('acceptor.promise.reports-vote'), ['vrnd', 'vval'])).toBe('acceptor.promise.reports-vote');
    // The first difference decides: a wrong round comes before the vote.
    expect(attributeRule(rules, step('acceptor.promise.no-vote'), ['rnd', 'vrnd'])).toBe('acceptor.prepare.higher');
    // A promise where none was due: the step's rule (not-higher, or raises-rnd after an accept).
    expect(attributeRule(rules, step('acceptor.accept.raises-rnd'), ['unexpected'])).toBe('acceptor.accept.raises-rnd');
    expect(attributeRule(rules, step('acceptor.prepare.not-higher'), ['unexpected'])).toBe('acceptor.prepare.not-higher');
    // A step's blame wins where the trace makes the cause certain.
    expect(attributeRule(rules, step('acceptor.promise.reports-vote', { vval: 'acceptor.accept.new-vote' }), ['vval'])).toBe('acceptor.accept.new-vote');
    // A repeated accept not answered is the repeat rule; an accept of a later round not taken is at-least.
    expect(attributeRule(rules, { rule: 'acceptor.accept.repeat', call: 'handleAccept' }, ['missing'])).toBe('acceptor.accept.repeat');
    expect(attributeRule(rules, { rule: 'acceptor.accept.new-vote', call: 'handleAccept' }, ['missing'])).toBe('acceptor.accept.at-least');
  });

  it('falls back to the step\'s rule when no rule covers the difference', () => {
    const rules = [{ id: 'x.a', text: 'A' }, { id: 'x.b', text: 'B', covers: { handleLearn: ['value'] } }];
    expect(attributeRule(rules, { rule: 'x.a', call: 'handleLearn' }, ['missing'])).toBe('x.a');
    expect(attributeRule(rules, { rule: 'x.a', call: 'handleLearn' }, ['value'])).toBe('x.b');
  });

  it('every lab names only rules it has, and every covers entry is a difference of its handler', async () => {
    for (const id of ['acceptor', 'proposer', 'learner']) {
      const lab = await loadLab(id);
      for (const r of lab.manifest.rules) {
        for (const [call, kinds] of Object.entries(r.covers ?? {})) {
          expect(lab.role.methods[call], `${r.id}: ${call}`).toBeDefined();
          for (const k of kinds) expect(differenceKinds(lab.role.methods[call])).toContain(k);
        }
      }
    }
  });
});
