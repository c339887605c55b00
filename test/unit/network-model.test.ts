// The fault model shared by the simulator and the real hub.
import { describe, expect, it } from 'vitest';
import { NetworkModel, normalizeNetwork } from '../../electron/engine/net/network-model.js';
import { Rng } from '../../electron/engine/net/rng.js';

describe('network model', () => {
  it('requestLoss and replyLoss replace loss for client requests and for answers to clients', () => {
    const lossRate = (from: number | string, to: number | string, cfg: object) => {
      const net = new NetworkModel(cfg);
      const rng = new Rng(3);
      let lost = 0;
      for (let i = 0; i < 10_000; i++) if (!net.route(from, to, rng)[0].deliver) lost++;
      return lost / 10_000;
    };
    const cfg = { loss: 0.05, requestLoss: 0.3, replyLoss: 0.6 };
    expect(lossRate('c1', 2, cfg)).toBeCloseTo(0.3, 1);
    expect(lossRate(2, 'c1', cfg)).toBeCloseTo(0.6, 1);
    expect(lossRate(1, 2, cfg)).toBeCloseTo(0.05, 1);
    expect(lossRate('c1', 2, { loss: 0.2 })).toBeCloseTo(0.2, 1);
    // Written only when set: a configuration without them reads as before.
    expect(normalizeNetwork({ loss: 0.1 })).toEqual({ loss: 0.1, dup: 0, minDelayMs: 1, maxDelayMs: 5 });
    expect(normalizeNetwork({ requestLoss: 0.1 })).toMatchObject({ requestLoss: 0.1 });
    expect(() => normalizeNetwork({ replyLoss: 2 })).toThrow(/replyLoss must be a probability/);
  });

  it('with no faults every message gets through once, within the delay range', () => {
    const net = new NetworkModel({ minDelayMs: 2, maxDelayMs: 7 });
    const rng = new Rng(1);
    const delays = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const fates = net.route(1, 2, rng);
      expect(fates).toHaveLength(1);
      const f = fates[0];
      expect(f.deliver).toBe(true);
      if (f.deliver) delays.add(f.delayMs);
    }
    expect([...delays].sort()).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('loss and duplication happen at about their probabilities, reproducibly per seed', () => {
    const count = (seed: number) => {
      const net = new NetworkModel({ loss: 0.3, dup: 0.2 });
      const rng = new Rng(seed);
      let lost = 0;
      let dups = 0;
      let copies = 0;
      for (let i = 0; i < 20_000; i++) {
        const fates = net.route(1, 2, rng);
        if (fates.length === 2) dups++;
        for (const f of fates) {
          copies++;
          if (!f.deliver) lost++;
        }
      }
      return { lossRate: lost / copies, dupRate: dups / 20_000 };
    };
    const a = count(7);
    expect(a.lossRate).toBeGreaterThan(0.28);
    expect(a.lossRate).toBeLessThan(0.32);
    expect(a.dupRate).toBeGreaterThan(0.18);
    expect(a.dupRate).toBeLessThan(0.22);
    expect(count(7)).toEqual(a);
  });

  it('messages to self are never lost, duplicated or held back', () => {
    const net = new NetworkModel({ loss: 1, dup: 1, minDelayMs: 3, maxDelayMs: 50 });
    expect(net.route(4, 4, new Rng(1))).toEqual([{ copy: 0, deliver: true, delayMs: 3 }]);
  });

  it('partitions, cut links and down nodes block with their reason; heal restores', () => {
    const net = new NetworkModel();
    net.partition([[1, 2], [3]]);
    expect(net.blocked(1, 2)).toBeNull();
    expect(net.blocked(1, 3)).toBe('partition');
    // A node named in no group is alone.
    expect(net.blocked(4, 1)).toBe('partition');
    net.heal();
    net.setLink(2, 1, false);
    expect(net.blocked(1, 2)).toBe('link-cut');
    expect(net.blocked(2, 1)).toBe('link-cut');
    net.setDown(3, true);
    expect(net.route(1, 3, new Rng(1))).toEqual([{ copy: 0, deliver: false, reason: 'down' }]);
    net.heal();
    expect(net.blocked(1, 2)).toBeNull();
    expect(net.isDown(3)).toBe(true);
  });

  it('rejects nonsense settings', () => {
    expect(() => normalizeNetwork({ loss: 1.2 })).toThrow(/probability/);
    expect(() => normalizeNetwork({ minDelayMs: 5, maxDelayMs: 2 })).toThrow(/delays/);
    expect(normalizeNetwork({ loss: 0.5 })).toEqual({ loss: 0.5, dup: 0, minDelayMs: 1, maxDelayMs: 5 });
  });
});
