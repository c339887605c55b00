// The history view's note beside a "linearizable" badge: operations without an answer are named, a
// run in which nothing was answered says that any history fits.
import { describe, expect, it } from 'vitest';
import { unansweredNote } from '../../renderer/src/util/history-note.js';

const ops = (...s: ('ok' | 'fail' | 'info')[]) => s.map((status) => ({ status }));

describe('unanswered operations beside the verdict', () => {
  it('says nothing when every operation was answered or definitely failed', () => {
    expect(unansweredNote(ops('ok', 'fail', 'ok'))).toBeNull();
    expect(unansweredNote([])).toBeNull();
  });
  it('counts the operations without an answer', () => {
    expect(unansweredNote(ops('ok', 'info', 'ok'))).toBe('1 operation of 3 got no answer: each may have taken effect or not');
    expect(unansweredNote(ops('info', 'info', 'ok'))).toBe('2 operations of 3 got no answer: each may have taken effect or not');
  });
  it('a run with no answer at all: any history fits', () => {
    expect(unansweredNote(ops('info', 'info'))).toMatch(/^no operation was answered/);
  });
});
