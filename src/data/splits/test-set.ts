// The examples a run measures test accuracy on: the dataset's own test split, or a part of the training split
// held out once per run, cut down to a fixed stratified subset so every model of the run is tested alike.

import type { TestSource } from '../../core/search-types.ts';
import type { Dataset, DatasetSplit } from '../dataset.ts';
import type { UnitRandom } from '../split.ts';
import { shuffleInPlace } from '../split.ts';

/** Share of every class of the training split held out for testing when a dataset has no test split. */
export const HELD_OUT_TEST_FRACTION = 0.1;

export interface TestSet {
  /** The split the indices point into (the dataset's test split, or its training split for a held-out part). */
  split: DatasetSplit;
  /** Ascending. */
  indices: Int32Array;
  source: TestSource;
}

/** Whether the dataset brings its own (non-empty) test split; otherwise the run holds one out. */
export function hasOwnTestSplit(dataset: Dataset): boolean {
  return dataset.test !== null && dataset.test.count > 0;
}

/**
 * Exactly min(count, n) of the n examples `indices` (default all of `labels`), stratified: class c gets
 * floor(count · n_c / n) plus one more for the classes with the largest remainders (ties to the lower class),
 * each class's share drawn at random with `rng`. Ascending. Throws on a label outside [0, numClasses) or a
 * count that is not an integer ≥ 1.
 */
export function stratifiedSample(
  labels: Uint8Array,
  numClasses: number,
  count: number,
  rng: UnitRandom,
  indices: ArrayLike<number> = Int32Array.from({ length: labels.length }, (_, i) => i),
): Int32Array {
  if (!Number.isInteger(count) || count < 1) throw new Error(`test sample size must be an integer ≥ 1, got ${count}`);
  const groups: number[][] = Array.from({ length: numClasses }, () => []);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    const g = groups[labels[i] as number];
    if (g === undefined) throw new Error(`labels[${i}] = ${labels[i]} is not a class index in [0, ${numClasses})`);
    g.push(i);
  }
  const n = indices.length;
  const take = Math.min(count, n);
  const exact = groups.map((g) => (n > 0 ? (take * g.length) / n : 0));
  const quota = exact.map(Math.floor);
  let left = take - quota.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, c) => ({ c, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.c - b.c);
  for (const { c } of byRemainder) {
    if (left === 0) break;
    if ((quota[c] as number) < (groups[c] as number[]).length) {
      quota[c] = (quota[c] as number) + 1;
      left--;
    }
  }
  const picked: number[] = [];
  groups.forEach((g, c) => picked.push(...shuffleInPlace(Int32Array.from(g), rng).subarray(0, quota[c])));
  return Int32Array.from(picked).sort();
}

/**
 * The run's test examples: the dataset's test split when it has one, else `heldOut` (indices into the
 * training split that no phase trains or validates on); at most `testExamples` of them (null = all), a
 * stratified sample drawn with `rng`. Throws when there is nothing to test on.
 */
export function chooseTestSet(dataset: Dataset, heldOut: Int32Array, testExamples: number | null, rng: UnitRandom): TestSet {
  const own = hasOwnTestSplit(dataset);
  const split = own ? (dataset.test as DatasetSplit) : dataset.train;
  const pool = own ? Int32Array.from({ length: split.count }, (_, i) => i) : heldOut;
  if (pool.length === 0) throw new Error(`dataset ${dataset.id}: no test examples (no test split, and none held out of ${dataset.train.count} training examples)`);
  const indices = testExamples === null || testExamples >= pool.length
    ? Int32Array.from(pool).sort()
    : stratifiedSample(split.labels, dataset.numClasses, testExamples, rng, pool);
  return { split, indices, source: own ? 'test' : 'held-out' };
}
