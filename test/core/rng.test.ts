import { describe, expect, it } from 'vitest';
import { createRng, createRngFromState, deriveSeed } from '../../src/core/rng.ts';

const draw = (seed: number, n = 20) => {
  const r = createRng(seed);
  return Array.from({ length: n }, () => r.next());
};

describe('rng', () => {
  it('same seed → same sequence; different seeds → different sequences', () => {
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(2)).not.toEqual(draw(2.5));
  });

  it('next is in [0,1), int in [0,n), roughly uniform', () => {
    const r = createRng(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      const k = r.int(4);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(850);
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => r.pick([])).toThrow(RangeError);
    const u = r.uniform(-0.1, 0.1);
    expect(u >= -0.1 && u < 0.1).toBe(true);
  });

  it('normal has about mean 0 and std 1', () => {
    const r = createRng(3);
    const xs = Array.from({ length: 5000 }, () => r.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(sd - 1)).toBeLessThan(0.05);
  });

  it('shuffle is an in-place permutation', () => {
    const xs = Array.from({ length: 50 }, (_, i) => i);
    const out = createRng(4).shuffle(xs);
    expect(out).toBe(xs);
    expect([...xs].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(xs).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('state round-trips bit for bit', () => {
    const a = createRng(99);
    for (let i = 0; i < 10; i++) a.next();
    const b = createRngFromState(a.state());
    expect(Array.from({ length: 10 }, () => b.next())).toEqual(Array.from({ length: 10 }, () => a.next()));
    expect(() => createRngFromState([1, 2, 3])).toThrow(RangeError);
    expect(() => createRngFromState([1, 2, 3, -1])).toThrow(RangeError);
  });

  it('deriveSeed is stable and separates labels', () => {
    expect(deriveSeed(2, 'seed', 1, 3, 1)).toBe(deriveSeed(2, 'seed', 1, 3, 1));
    const seeds = new Set([
      deriveSeed(2, 'seed', 1, 3, 1),
      deriveSeed(2, 'seed', 1, 3, 2),
      deriveSeed(3, 'seed', 1, 3, 1),
      deriveSeed(2, 'seed', '1', 3, 1),
      deriveSeed(2, 'seed', 13, 1),
    ]);
    expect(seeds.size).toBe(5);
    const s = deriveSeed(2, 'x');
    expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
    expect(() => deriveSeed(Number.NaN)).toThrow(RangeError);
  });
});
