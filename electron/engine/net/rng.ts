import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

type Generator = ReturnType<typeof xoroshiro128plus>;

/**
 * A seeded pseudo-random source. Everything random in PaxLab (network faults, node.random(),
 * jittered timeouts) draws from one of these, so the same seed replays the same run.
 */
export class Rng {
  private readonly gen: Generator;

  constructor(readonly seed: number) {
    this.gen = xoroshiro128plus(seed | 0);
  }

  /** A float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return (this.gen.next() >>> 0) / 0x1_0000_0000;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return uniformInt(this.gen, min, max);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  /** A new generator whose stream is independent of this one's later draws. */
  fork(): Rng {
    return new Rng(this.int(-0x8000_0000, 0x7fff_ffff));
  }
}
