// The course's chapter checks (electron/engine/chapters/checks.ts) say what they saw in words a
// student reads: one command is "the one command", not "all 1 commands".
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../electron/engine/chapters/checks.js';
import type { TraceEvent } from '../../electron/engine/trace/events.js';

const meta = { seq: 0, t: 0, lc: 0, type: 'meta', format: 'paxlab-trace/2', nodes: [1, 2] };
const decide = (seq: number, node: number, slot: number) => ({ seq, t: seq, lc: seq, type: 'decide', node, value: `m${slot}`, slot });

describe('chapter check: complete', () => {
  it('counts what every replica executed, in the singular for one command', () => {
    expect(runCheck([meta, decide(1, 1, 1), decide(2, 2, 1)] as TraceEvent[], 'complete')).toMatchObject({
      ok: true,
      message: 'every replica up at the end executed the one command',
    });
    const two = [meta, decide(1, 1, 1), decide(2, 2, 1), decide(3, 1, 2), decide(4, 2, 2)] as TraceEvent[];
    expect(runCheck(two, 'complete').message).toBe('every replica up at the end executed all 2 commands');
    expect(runCheck(two.slice(0, 4), 'complete').ok).toBe(false);
  });
});
