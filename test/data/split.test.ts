import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.ts';
import { subsetPerClass } from '../../src/data/split.ts';

// 3 classes with 100, 50 and 10 examples, interleaved.
const labels = Uint8Array.from([...Array<number>(100).fill(0), ...Array<number>(50).fill(1), ...Array<number>(10).fill(2)]);
createRng(1).shuffle(Array.from(labels)).forEach((y, i) => (labels[i] = y));

function counts(idx: Int32Array): number[] {
  const c = [0, 0, 0];
  for (const i of idx) c[labels[i] as number]! += 1;
  return c;
}

// The stratified validation split moved to splits/run-split.ts (test/data/run-split.test.ts).
describe('subsetPerClass', () => {
  it('takes at most perClass of every class, ascending, from the given indices', () => {
    const sub = subsetPerClass(labels, 3, 5, createRng(2));
    expect(counts(sub)).toEqual([5, 5, 5]);
    expect(Array.from(sub)).toEqual(Array.from(sub).sort((a, b) => a - b));
    const inner = subsetPerClass(labels, 3, 2, createRng(2), sub);
    expect(counts(inner)).toEqual([2, 2, 2]);
    for (const i of inner) expect(sub).toContain(i);
    expect(counts(subsetPerClass(labels, 3, 40, createRng(3)))).toEqual([40, 40, 10]);
  });
  it('names bad input', () => {
    expect(() => subsetPerClass(labels, 2, 5, createRng(1))).toThrow(/is not a class index in \[0, 2\)/);
    expect(() => subsetPerClass(labels, 3, 0, createRng(1))).toThrow(/examplesPerClass must be an integer ≥ 1, got 0/);
  });
});
