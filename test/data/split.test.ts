import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.ts';
import { stratifiedSplit, subsetPerClass } from '../../src/data/split.ts';

// 3 classes with 100, 50 and 10 examples, interleaved.
const labels = Uint8Array.from([...Array<number>(100).fill(0), ...Array<number>(50).fill(1), ...Array<number>(10).fill(2)]);
createRng(1).shuffle(Array.from(labels)).forEach((y, i) => (labels[i] = y));

function counts(idx: Int32Array): number[] {
  const c = [0, 0, 0];
  for (const i of idx) c[labels[i] as number]! += 1;
  return c;
}

describe('stratifiedSplit', () => {
  it('holds out the fraction of every class and partitions the indices', () => {
    const { train, val } = stratifiedSplit(labels, 3, 0.2, createRng(7));
    expect(counts(val)).toEqual([20, 10, 2]);
    expect(counts(train)).toEqual([80, 40, 8]);
    const all = new Set([...train, ...val]);
    expect(all.size).toBe(160);
  });
  it('is deterministic for a seed and differs between seeds', () => {
    const a = stratifiedSplit(labels, 3, 0.1, createRng(3));
    const b = stratifiedSplit(labels, 3, 0.1, createRng(3));
    const c = stratifiedSplit(labels, 3, 0.1, createRng(4));
    expect(Array.from(a.val)).toEqual(Array.from(b.val));
    expect(Array.from(a.val)).not.toEqual(Array.from(c.val));
  });
  it('splits a subset given by indices, keeping one of each class on both sides', () => {
    const sub = subsetPerClass(labels, 3, 5, createRng(2));
    expect(counts(sub)).toEqual([5, 5, 5]);
    const { train, val } = stratifiedSplit(labels, 3, 0.1, createRng(2), sub);
    expect(counts(val)).toEqual([1, 1, 1]);
    expect(counts(train)).toEqual([4, 4, 4]);
    for (const i of [...train, ...val]) expect(sub).toContain(i);
  });
  it('names bad input', () => {
    expect(() => stratifiedSplit(labels, 2, 0.1, createRng(1))).toThrow(/is not a class index in \[0, 2\)/);
    expect(() => stratifiedSplit(labels, 3, 1, createRng(1))).toThrow(/valFraction must be in \[0, 1\), got 1/);
  });
});
