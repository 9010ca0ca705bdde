import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.ts';
import { makeRunSplit, ownValidationOrder, phaseSplit, valCount } from '../../src/data/splits/run-split.ts';

// 3 classes with 100, 50 and 10 examples, interleaved.
const labels = Uint8Array.from(createRng(1).shuffle([...Array<number>(100).fill(0), ...Array<number>(50).fill(1), ...Array<number>(10).fill(2)]));

function counts(idx: ArrayLike<number>): number[] {
  const c = [0, 0, 0];
  for (const i of Array.from(idx)) c[labels[i] as number]! += 1;
  return c;
}

const opts = { numClasses: 3, examplesPerClass: null, testFraction: 0 };

describe('valCount', () => {
  it('rounds, keeps one on each side of a class of two or more, and never decreases with the fraction', () => {
    expect([valCount(100, 0.1), valCount(100, 0.2), valCount(3, 0.1), valCount(3, 0.9), valCount(1, 0.5), valCount(5, 0)]).toEqual([10, 20, 1, 2, 1, 0]);
    for (let n = 0; n < 40; n++) for (let f = 0; f < 0.95; f += 0.05) expect(valCount(n, f + 0.05)).toBeGreaterThanOrEqual(valCount(n, f));
  });
});

describe('makeRunSplit / phaseSplit', () => {
  it('holds out a stratified fraction and partitions the examples', () => {
    const run = makeRunSplit(labels, opts, createRng(7));
    const { train, val } = phaseSplit(run, 0.2);
    expect(counts(val)).toEqual([20, 10, 2]);
    expect(counts(train)).toEqual([80, 40, 8]);
    expect(new Set([...train, ...val]).size).toBe(160);
    expect(Array.from(train)).toEqual(Array.from(train).sort((a, b) => a - b));
  });

  it('nests the validation sets: the 10 % set lies inside the 20 % set', () => {
    const run = makeRunSplit(labels, opts, createRng(8));
    const v10 = phaseSplit(run, 0.1);
    const v20 = phaseSplit(run, 0.2);
    expect(counts(v10.val)).toEqual([10, 5, 1]);
    const big = new Set(v20.val);
    for (const i of v10.val) expect(big.has(i)).toBe(true);
    const train20 = new Set(v20.train);
    for (const i of v10.val) expect(train20.has(i)).toBe(false);
    // The smaller set keeps the larger one's order, so their prefixes agree too.
    expect(Array.from(v20.val).filter((i) => new Set(v10.val).has(i))).toEqual(Array.from(v10.val));
  });

  it('mixes the classes in the validation order (a prefix is a sample of every class)', () => {
    const { val } = phaseSplit(makeRunSplit(labels, opts, createRng(9)), 0.5);
    expect(counts(val.subarray(0, 30)).every((c) => c > 0)).toBe(true);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = phaseSplit(makeRunSplit(labels, opts, createRng(3)), 0.1);
    const b = phaseSplit(makeRunSplit(labels, opts, createRng(3)), 0.1);
    const c = phaseSplit(makeRunSplit(labels, opts, createRng(4)), 0.1);
    expect(Array.from(a.val)).toEqual(Array.from(b.val));
    expect(Array.from(a.val)).not.toEqual(Array.from(c.val));
  });

  it('holds out a stratified test part first, then draws the per-class subset from the rest', () => {
    const run = makeRunSplit(labels, { numClasses: 3, examplesPerClass: 30, testFraction: 0.1 }, createRng(5));
    expect(counts(run.heldOutTest)).toEqual([10, 5, 1]);
    expect(run.classCounts).toEqual([30, 30, 9]);
    const { train, val } = phaseSplit(run, 0.2);
    expect(counts(val)).toEqual([6, 6, 2]);
    const test = new Set(run.heldOutTest);
    for (const i of [...train, ...val]) expect(test.has(i)).toBe(false);
    expect(phaseSplit(makeRunSplit(labels, opts, createRng(5)), 0.1).val.length).toBe(16);
  });

  it('holds out no test examples from a class too small to also train and validate', () => {
    const few = Uint8Array.from([0, 0, 1, 1, 1, 2, 2, 2, 2]);
    const run = makeRunSplit(few, { numClasses: 3, examplesPerClass: null, testFraction: 0.1 }, createRng(1));
    expect(Array.from(run.heldOutTest).map((i) => few[i])).toEqual([1, 2]);
    expect(run.classCounts).toEqual([2, 2, 3]);
    const { train, val } = phaseSplit(run, 0.1);
    expect(Array.from(val).map((i) => few[i]).sort()).toEqual([0, 1, 2]);
    expect(train).toHaveLength(4);
  });

  it('names bad input', () => {
    expect(() => makeRunSplit(labels, { ...opts, numClasses: 2 }, createRng(1))).toThrow(/labels\[\d+\] = 2 is not a class index in \[0, 2\)/);
    expect(() => makeRunSplit(labels, { ...opts, examplesPerClass: 0 }, createRng(1))).toThrow(/examplesPerClass must be an integer ≥ 1 or null, got 0/);
    expect(() => makeRunSplit(labels, { ...opts, testFraction: 1 }, createRng(1))).toThrow(/testFraction must be in \[0, 1\), got 1/);
    expect(() => phaseSplit(makeRunSplit(labels, opts, createRng(1)), -0.1)).toThrow(/valFraction must be in \[0, 1\), got -0.1/);
  });
});

describe('ownValidationOrder', () => {
  // 3 classes with 5, 3 and 1 validation examples, interleaved as a folder listing might give them.
  const labels = Uint8Array.from([0, 1, 0, 2, 0, 1, 0, 1, 0]);

  it('lists every example of the split once, in a seeded order, with the same list for the same seed', () => {
    const a = ownValidationOrder(labels, 3, null, createRng(4));
    expect([...a].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...ownValidationOrder(labels, 3, null, createRng(4))]).toEqual([...a]);
    expect([...ownValidationOrder(labels, 3, null, createRng(5))]).not.toEqual([...a]);
  });

  it('keeps at most examplesPerClass of every class', () => {
    const a = ownValidationOrder(labels, 3, 2, createRng(4));
    const perClass = [0, 1, 2].map((c) => [...a].filter((i) => labels[i] === c).length);
    expect(perClass).toEqual([2, 2, 1]);
  });

  it('refuses a label outside the classes', () => {
    expect(() => ownValidationOrder(Uint8Array.from([0, 3]), 3, null, createRng(1))).toThrow(/labels\[1\] = 3/);
  });
});
