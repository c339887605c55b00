// The node search's scratch state (node-search/state-buffer.ts): any sequence of adds and removes
// leaves the same packed words as the plain sorted list of message ids it stands for, a set
// network holds each message once, the buffer grows past its first size, and a state loaded back
// packs to the same words.
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
});
