import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { chooseTestSet, hasOwnTestSplit, stratifiedSample } from '../../src/data/splits/test-set.ts';

// 3 classes with 100, 50 and 10 examples, interleaved.
const labels = Uint8Array.from(createRng(1).shuffle([...Array<number>(100).fill(0), ...Array<number>(50).fill(1), ...Array<number>(10).fill(2)]));
const counts = (idx: ArrayLike<number>, l = labels): number[] => {
  const c = [0, 0, 0];
  for (const i of Array.from(idx)) c[l[i] as number]! += 1;
  return c;
};
const split = (l: Uint8Array) => ({ images: new Uint8Array(l.length), labels: l, count: l.length });
const dataset = (test: Uint8Array | null): Dataset => ({ id: 'd', name: 'd', source: 'upload', shape: { height: 1, width: 1, channels: 1 },
  numClasses: 3, classNames: ['a', 'b', 'c'], train: split(labels), test: test && split(test) });

describe('stratifiedSample', () => {
  it('takes exactly the count, in proportion to the classes (largest remainders), ascending', () => {
    const s = stratifiedSample(labels, 3, 16, createRng(2));
    expect(counts(s)).toEqual([10, 5, 1]);
    expect(Array.from(s)).toEqual(Array.from(s).sort((a, b) => a - b));
    // 7 · (100, 50, 10) / 160 = 4.375, 2.1875, 0.4375: floors 4, 2, 0 and one more for the largest remainder.
    expect(counts(stratifiedSample(labels, 3, 7, createRng(2)))).toEqual([4, 2, 1]);
    expect(stratifiedSample(labels, 3, 500, createRng(2))).toHaveLength(160);
  });
  it('draws from the given indices only, and is the same for a seed', () => {
    const from = Int32Array.from({ length: 80 }, (_, i) => i * 2);
    const a = stratifiedSample(labels, 3, 20, createRng(4), from);
    expect(a).toHaveLength(20);
    for (const i of a) expect(i % 2).toBe(0);
    expect(Array.from(stratifiedSample(labels, 3, 20, createRng(4), from))).toEqual(Array.from(a));
  });
  it('names bad input', () => {
    expect(() => stratifiedSample(labels, 3, 0, createRng(1))).toThrow(/test sample size must be an integer ≥ 1, got 0/);
    expect(() => stratifiedSample(labels, 2, 5, createRng(1))).toThrow(/is not a class index in \[0, 2\)/);
  });
});

describe('chooseTestSet', () => {
  const testLabels = Uint8Array.from({ length: 60 }, (_, i) => i % 3);
  it('uses the dataset\'s own test split, all of it or a stratified subset', () => {
    expect(hasOwnTestSplit(dataset(testLabels))).toBe(true);
    const all = chooseTestSet(dataset(testLabels), new Int32Array(0), null, createRng(1));
    expect(all.source).toBe('test');
    expect(all.split.labels).toBe(testLabels);
    expect(Array.from(all.indices)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    const some = chooseTestSet(dataset(testLabels), new Int32Array(0), 12, createRng(1));
    expect(counts(some.indices, testLabels)).toEqual([4, 4, 4]);
  });
  it('falls back to the held-out part of the training split when there is no (or an empty) test split', () => {
    const heldOut = Int32Array.from([3, 5, 8, 13, 21, 34, 55, 89]);
    for (const d of [dataset(null), dataset(new Uint8Array(0))]) {
      expect(hasOwnTestSplit(d)).toBe(false);
      const t = chooseTestSet(d, heldOut, null, createRng(1));
      expect(t).toMatchObject({ source: 'held-out' });
      expect(t.split.labels).toBe(labels);
      expect(Array.from(t.indices)).toEqual(Array.from(heldOut));
    }
    const cut = chooseTestSet(dataset(null), heldOut, 4, createRng(1));
    expect(cut.indices).toHaveLength(4);
    for (const i of cut.indices) expect(heldOut).toContain(i);
    expect(() => chooseTestSet(dataset(null), new Int32Array(0), null, createRng(1))).toThrow(/dataset d: no test examples/);
  });
});
