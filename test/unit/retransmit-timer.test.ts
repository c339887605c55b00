// The reference node's retransmission timeout (RFC 6298 estimator with bounded exponential backoff).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RetransmitTimer } from '../../labs/paxos-node/retransmit-timer.js';

describe('RetransmitTimer', () => {
  it('starts at the minimum and doubles on each timeout up to the maximum', () => {
    const t = new RetransmitTimer(60, 1000);
    const seen = [t.rtoMs];
    for (let i = 0; i < 6; i++) {
      t.timedOut();
      seen.push(t.rtoMs);
    }
    expect(seen).toEqual([60, 120, 240, 480, 960, 1000, 1000]);
  });

  it('the first sample gives SRTT = R, RTTVAR = R/2, RTO = 3R; a sample cancels the backoff', () => {
    const t = new RetransmitTimer(60, 5000);
    t.timedOut();
    t.timedOut();
    t.sample(100);
    expect(t.smoothedMs).toBe(100);
    expect(t.rtoMs).toBe(300);
    expect(t.backoffs).toBe(0);
    t.sample(100);
    // RTTVAR = 0.75·50 + 0.25·0 = 37.5; SRTT stays 100.
    expect(t.rtoMs).toBe(250);
  });

  it('steady round trips bring the RTO down towards the round trip, never under the minimum', () => {
    const t = new RetransmitTimer(60, 5000);
    for (let i = 0; i < 200; i++) t.sample(120);
    expect(t.rtoMs).toBeGreaterThanOrEqual(120);
    expect(t.rtoMs).toBeLessThan(130);
    const fast = new RetransmitTimer(60, 5000);
    for (let i = 0; i < 50; i++) fast.sample(2);
    expect(fast.rtoMs).toBe(60);
  });

  it('whatever the samples and timeouts, the RTO stays within its bounds', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(-1), fc.double({ min: 0, max: 1e6, noNaN: true }))), (ops) => {
        const t = new RetransmitTimer(20, 2000);
        for (const op of ops) {
          if (op < 0) t.timedOut();
          else t.sample(op);
          if (!(t.rtoMs >= 20 && t.rtoMs <= 2000)) return false;
        }
        return true;
      }),
    );
  });

  it('refuses bounds that cannot hold', () => {
    expect(() => new RetransmitTimer(0, 10)).toThrow(RangeError);
    expect(() => new RetransmitTimer(50, 10)).toThrow(RangeError);
  });
});
