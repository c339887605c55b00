// The node search's scratch state (node-search/state-buffer.ts): any sequence of adds and removes
// leaves the same packed words as the plain sorted list of message ids it stands for, a set
// network holds each message once, the buffer grows past its first size, and a state loaded back
// packs to the same words. Its fingerprint, kept up to date by every add and remove, is the one
// computed from scratch for the same words, and tells apart states that differ.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StateBuffer } from '../../electron/engine/node-search/state-buffer.js';

const HEADER = 5;

/** The packed words of a header and a network given as a list: the layout the explorer fingerprints. */
function packedOf(header: number[], net: number[]): Int32Array {
  return Int32Array.from([...header, net.length, ...[...net].sort((a, b) => a - b)]);
}

type Op = { op: 'add'; id: number } | { op: 'remove'; pick: number };
const ops = fc.array(fc.oneof(fc.record({ op: fc.constant('add' as const), id: fc.integer({ min: 0, max: 40 }) }), fc.record({ op: fc.constant('remove' as const), pick: fc.nat() })), { maxLength: 300 });

function run(once: boolean, sequence: Op[]) {
  const buf = new StateBuffer(HEADER);
  buf.clear();
  const header = [3, 1, 4, 1, 5];
  header.forEach((x, i) => (buf.w[i] = x));
  const model: number[] = [];
  for (const o of sequence) {
    if (o.op === 'add') {
      if (!(once && model.includes(o.id))) model.push(o.id);
      buf.add(o.id, once);
    } else if (model.length > 0) {
      const id = model[o.pick % model.length];
      model.splice(model.indexOf(id), 1);
      buf.remove(id);
    }
  }
  return { buf, header, model };
}

describe('the node search state buffer', () => {
  it('packs like the sorted list of message ids it stands for (multiset network)', () => {
    fc.assert(
      fc.property(ops, (sequence) => {
        const { buf, header, model } = run(false, sequence);
        expect(buf.netLength).toBe(model.length);
        expect(buf.packed()).toEqual(packedOf(header, model));
      }),
    );
  });

  it('holds each message once in a set network', () => {
    fc.assert(
      fc.property(ops, (sequence) => {
        const { buf, header, model } = run(true, sequence);
        expect(new Set(model).size).toBe(model.length);
        expect(buf.packed()).toEqual(packedOf(header, model));
      }),
    );
  });

  it('answers membership on packed words, and a loaded state packs to the same words', () => {
    fc.assert(
      fc.property(ops, fc.integer({ min: 0, max: 40 }), (sequence, probe) => {
        const { buf, model } = run(false, sequence);
        const words = buf.packed();
        expect(StateBuffer.holds(words, HEADER, probe)).toBe(model.includes(probe));
        const other = new StateBuffer(HEADER);
        other.load(words);
        expect(other.packed()).toEqual(words);
      }),
    );
  });

  it('grows past its first size and refuses to remove a message that is not there', () => {
    const buf = new StateBuffer(2);
    buf.clear();
    for (let i = 999; i >= 0; i--) buf.add(i, true);
    expect(buf.netLength).toBe(1000);
    expect(Array.from(buf.packed().subarray(3))).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    buf.remove(500);
    expect(StateBuffer.holds(buf.packed(), 2, 500)).toBe(false);
    expect(() => buf.remove(500)).toThrow(/not in the network/);
  });

  it('keeps the fingerprint it would compute from scratch, whatever the order of adds and removes', () => {
    fc.assert(
      fc.property(ops, fc.boolean(), (sequence, once) => {
        const { buf } = run(once, sequence);
        buf.fingerprint();
        const fresh = new StateBuffer(HEADER);
        fresh.load(buf.packed());
        expect([fresh.sum1, fresh.sum2]).toEqual(StateBuffer.networkSums(buf.packed(), HEADER));
        expect([fresh.sum1, fresh.sum2]).toEqual([buf.sum1, buf.sum2]);
        fresh.fingerprint();
        expect([fresh.h1, fresh.h2]).toEqual([buf.h1, buf.h2]);
        // The same network reached in another order (added in reverse) has the same fingerprint.
        const other = new StateBuffer(HEADER);
        other.clear();
        for (let i = 0; i < HEADER; i++) other.w[i] = buf.w[i];
        for (const id of Array.from(buf.packed().subarray(HEADER + 1)).reverse()) other.add(id, false);
        other.fingerprint();
        expect([other.h1, other.h2]).toEqual([buf.h1, buf.h2]);
        expect(buf.h2).not.toBe(0);
      }),
    );
  });

  it('gives distinct fingerprints to distinct states of a small space', () => {
    // Every network of up to 3 copies of ids 0..11 (455 multisets), under 3 headers.
    const seen = new Map<string, string>();
    const buf = new StateBuffer(2);
    const nets: number[][] = [[]];
    for (let size = 1; size <= 3; size++) for (const net of nets.filter((x) => x.length === size - 1)) for (let id = net.length ? net[net.length - 1] : 0; id < 12; id++) nets.push([...net, id]);
    for (const h of [0, 1, 2])
      for (const net of nets) {
        buf.clear();
        buf.w[0] = h;
        for (const id of net) buf.add(id, false);
        buf.fingerprint();
        const fp = `${buf.h1}:${buf.h2}`;
        expect(seen.get(fp)).toBeUndefined();
        seen.set(fp, `${h}|${net}`);
      }
    expect(seen.size).toBe(3 * nets.length);
  });

  it('tells a state from the one with its network changed by one message or its header by one word', () => {
    fc.assert(
      fc.property(ops, fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: HEADER - 1 }), (sequence, id, word) => {
        const { buf } = run(false, sequence);
        buf.fingerprint();
        const before = [buf.h1, buf.h2];
        buf.add(id, false);
        buf.fingerprint();
        expect([buf.h1, buf.h2]).not.toEqual(before);
        buf.remove(id);
        buf.fingerprint();
        expect([buf.h1, buf.h2]).toEqual(before);
        buf.w[word]++;
        buf.fingerprint();
        expect([buf.h1, buf.h2]).not.toEqual(before);
      }),
    );
  });
});
