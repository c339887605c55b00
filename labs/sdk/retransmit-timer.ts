/**
 * The retransmission timeout of a node, after RFC 6298 (TCP's): a smoothed round-trip time (SRTT)
 * and its variation (RTTVAR) from observed round trips give RTO = SRTT + 4·RTTVAR; every timeout
 * that passes without an answer doubles the RTO (exponential backoff); a fresh sample recomputes
 * it. The RTO always stays within [minMs, maxMs]: on a fast network it is `minMs` (the node's
 * configured retry period), on a slow one it grows past the round trip instead of retrying before
 * any answer can come back, and without any answer at all (a minority, a dead link) it settles at
 * `maxMs`.
 *
 * Pure and clock-free: the caller measures samples and says when a timeout fired.
 */
export class RetransmitTimer {
  private srtt: number | null = null;
  private rttvar = 0;
  private base: number;
  private backoff = 1;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {
    if (!(minMs > 0) || !(maxMs >= minMs)) throw new RangeError(`retransmit bounds must satisfy 0 < min <= max, got ${minMs}, ${maxMs}`);
    this.base = minMs;
  }

  /** The timeout to wait now, in ms. */
  get rtoMs(): number {
    return Math.min(this.maxMs, this.base * this.backoff);
  }

  /** The smoothed round trip, or null before the first sample. */
  get smoothedMs(): number | null {
    return this.srtt;
  }

  /** How many doublings are in force (0 right after a sample). */
  get backoffs(): number {
    return Math.round(Math.log2(this.backoff));
  }

  /**
   * A round trip measured on a request that was sent once (Karn's rule: an answer to a
   * retransmitted request is ambiguous and must not be sampled).
   */
  sample(rttMs: number): void {
    if (!(rttMs >= 0) || !Number.isFinite(rttMs)) return;
    if (this.srtt === null) {
      this.srtt = rttMs;
      this.rttvar = rttMs / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rttMs);
      this.srtt = 0.875 * this.srtt + 0.125 * rttMs;
    }
    this.base = clamp(this.srtt + 4 * this.rttvar, this.minMs, this.maxMs);
    this.backoff = 1;
  }

  /** A timeout fired with no answer: wait twice as long next time (up to the bound). */
  timedOut(): void {
    if (this.base * this.backoff < this.maxMs) this.backoff *= 2;
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
