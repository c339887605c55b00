// Fault schedules: the JSON form, its validation, and the compact CLI specs.
import { describe, expect, it } from 'vitest';
import { FaultSpecError, parseFaultSpec, validateFaultSchedule } from '../../electron/engine/faults/index.js';

describe('fault specs', () => {
  it('parses every spec form into schedule entries, sorted by time', () => {
    expect(
      parseFaultSpec(['heal@800', 'crash:1@200', 'restart:1@900', 'partition:1,2|3,4,5@100', 'cut:1-2@50', 'restore:2-1@60', 'loss:0.3@0', 'dup:0.1@0', 'delay:2-20@5', 'request:3=hello@7']),
    ).toEqual([
      { at: 0, action: 'net', network: { loss: 0.3 } },
      { at: 0, action: 'net', network: { dup: 0.1 } },
      { at: 5, action: 'net', network: { minDelayMs: 2, maxDelayMs: 20 } },
      { at: 7, action: 'request', node: 3, value: 'hello' },
      { at: 50, action: 'link', a: 1, b: 2, up: false },
      { at: 60, action: 'link', a: 2, b: 1, up: true },
      { at: 100, action: 'partition', groups: [[1, 2], [3, 4, 5]] },
      { at: 200, action: 'crash', node: 1 },
      { at: 800, action: 'heal' },
      { at: 900, action: 'restart', node: 1 },
    ]);
  });

  it('one string may hold several specs separated by spaces', () => {
    expect(parseFaultSpec(['crash:2@10 restart:2@20'])).toHaveLength(2);
  });

  it.each([
    ['crash:1', /expected 'action:args@time'/],
    ['crash:x@5', /'x' is not a node id/],
    ['crash:0@5', /'0' is not a node id/],
    ['explode:1@5', /unknown action 'explode'/],
    ['partition:1,2@5', /at least two groups/],
    ['partition:1,2|2,3@5', /node 2 is in two groups/],
    ['cut:1@5', /two node ids/],
    ['cut:1-1@5', /two different nodes/],
    ['loss:1.5@0', /not a probability/],
    ['delay:9-2@0', /inverted/],
    ['heal:1@3', /heal takes no arguments/],
  ])('rejects %s with a clear error', (spec, why) => {
    expect(() => parseFaultSpec([spec])).toThrow(FaultSpecError);
    expect(() => parseFaultSpec([spec])).toThrow(why);
  });

  it('checks node ids against the cluster when it is given', () => {
    expect(() => parseFaultSpec(['crash:6@1'], [1, 2, 3, 4, 5])).toThrow(/node 6 is not in the cluster \(1, 2, 3, 4, 5\)/);
    expect(parseFaultSpec(['crash:5@1'], [1, 2, 3, 4, 5])).toHaveLength(1);
  });
});

describe('fault schedule validation (JSON form)', () => {
  it('accepts a JSON round trip of a valid schedule and keeps equal times in order', () => {
    const s = [
      { at: 10, action: 'crash', node: 2 },
      { at: 10, action: 'restart', node: 2 },
      { at: 5, action: 'net', network: { loss: 0.2, maxDelayMs: 9 } },
    ];
    expect(validateFaultSchedule(JSON.parse(JSON.stringify(s)))).toEqual([s[2], s[0], s[1]]);
  });

  it.each([
    [{}, /must be an array/],
    [[{ at: -1, action: 'heal' }], /entry 0 \(heal\): 'at' must be a time/],
    [[{ at: 1, action: 'nap' }], /unknown action/],
    [[{ at: 1, action: 'link', a: 1, b: 2 }], /'up' must be true or false/],
    [[{ at: 1, action: 'net', network: { jitter: 3 } }], /unknown network setting 'jitter'/],
    [[{ at: 1, action: 'net', network: { loss: 2 } }], /probability/],
    [[{ at: 1, action: 'request', node: 1 }], /'value' must be a string/],
    [[{ at: 1, action: 'partition', groups: [] }], /non-empty list/],
  ])('rejects %j', (input, why) => {
    expect(() => validateFaultSchedule(input)).toThrow(why);
  });
});
