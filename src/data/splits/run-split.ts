// The one split of a run: every class's examples in one seeded random order, cut once into a held-out test
// part, the per-class subset the run uses, and nested validation prefixes. Because every phase's validation
// set is a prefix of the same per-class order, the 10 % set of seed training and post-training lies inside
// the 20 % set of the search phase, so no model, and none of its ancestors, trains on an example that scores
// it. (Independent splits per fraction leak: most of the 10 % would be search-phase training examples.)

import type { SplitIndices, UnitRandom } from '../split.ts';
import { shuffleInPlace } from '../split.ts';

export interface RunSplitOptions {
  numClasses: number;
  /** Keep at most this many examples of every class for training and validation; null = all. */
  examplesPerClass: number | null;
  /**
   * Fraction of every class held out as a test part, before the subset is drawn (for datasets without their
   * own test split); 0 = none.
   */
  testFraction: number;
}

export interface RunSplit {
  numClasses: number;
  /** The examples the run trains and validates on (the per-class subset), in one random order across classes. */
  order: Int32Array;
  /** Class of `order[k]`. */
  classOf: Uint8Array;
  /** Position of `order[k]` in its class's random order (0-based): validation sets are rank prefixes. */
  rank: Int32Array;
  /** How many examples of each class `order` holds. */
  classCounts: number[];
  /** The held-out test part of the training split, ascending; empty when `testFraction` is 0. */
  heldOutTest: Int32Array;
}

/**
 * How many of a class's n examples validate at fraction f: round(n·f), but at least one and at most n − 1
 * when n ≥ 2 and f > 0, so no class vanishes from either side. Non-decreasing in f, which makes the
 * validation sets of a run nested.
 */
export function valCount(n: number, f: number): number {
  const k = Math.round(n * f);
  return f > 0 && n >= 2 ? Math.min(n - 1, Math.max(1, k)) : Math.min(n, k);
}

/**
 * How many of a class's n examples the held-out test part takes: valCount(n, f), but none from a class of
 * fewer than three, which needs its examples to train and validate on.
 */
export function heldOutCount(n: number, f: number): number {
  return f > 0 && n >= 3 ? valCount(n, f) : 0;
}

function checkFraction(name: string, f: number): void {
  if (!(f >= 0 && f < 1)) throw new Error(`${name} must be in [0, 1), got ${f}`);
}

/**
 * Draws the run's split of a training split with `labels` (uint8 class indices in [0, numClasses)): one
 * random permutation per class (consuming `rng` in class order, so the same seed gives the same split),
 * of which the first heldOutCount(n_c, testFraction) examples form the held-out test part and the next
 * `examplesPerClass` (or all the rest) the run's examples. Throws when a label is out of range or an option
 * is invalid.
 */
export function makeRunSplit(labels: Uint8Array, opts: RunSplitOptions, rng: UnitRandom): RunSplit {
  const { numClasses, examplesPerClass, testFraction } = opts;
  checkFraction('testFraction', testFraction);
  if (examplesPerClass !== null && (!Number.isInteger(examplesPerClass) || examplesPerClass < 1)) {
    throw new Error(`examplesPerClass must be an integer ≥ 1 or null, got ${examplesPerClass}`);
  }
  const groups: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((y, i) => {
    const g = groups[y];
    if (g === undefined) throw new Error(`labels[${i}] = ${y} is not a class index in [0, ${numClasses})`);
    g.push(i);
  });
  const test: number[] = [];
  const kept: Int32Array[] = groups.map((group) => {
    const g = shuffleInPlace(Int32Array.from(group), rng);
    const nTest = heldOutCount(g.length, testFraction);
    test.push(...g.subarray(0, nTest));
    const rest = g.subarray(nTest);
    return examplesPerClass === null ? rest : rest.subarray(0, Math.min(examplesPerClass, rest.length));
  });
  const total = kept.reduce((n, g) => n + g.length, 0);
  const slots = shuffleInPlace(Int32Array.from({ length: total }, (_, k) => k), rng);
  const order = new Int32Array(total);
  const classOf = new Uint8Array(total);
  const rank = new Int32Array(total);
  let k = 0;
  kept.forEach((g, c) => g.forEach((example, r) => {
    const s = slots[k++] as number;
    order[s] = example;
    classOf[s] = c;
    rank[s] = r;
  }));
  return { numClasses, order, classOf, rank, classCounts: kept.map((g) => g.length), heldOutTest: Int32Array.from(test).sort() };
}

/**
 * One phase's split of the run's examples: validation = the first valCount(n_c, valFraction) of every
 * class's order, listed in the run's random order across classes (so a prefix of it is a random, roughly
 * stratified sample, and the set for a smaller fraction is a subset); training = the rest, ascending.
 * Throws when valFraction is not in [0, 1).
 */
export function phaseSplit(run: RunSplit, valFraction: number): SplitIndices {
  checkFraction('valFraction', valFraction);
  const cut = run.classCounts.map((n) => valCount(n, valFraction));
  const train: number[] = [];
  const val: number[] = [];
  run.order.forEach((example, k) => {
    ((run.rank[k] as number) < (cut[run.classOf[k] as number] as number) ? val : train).push(example);
  });
  return { train: Int32Array.from(train).sort(), val: Int32Array.from(val) };
}

/**
 * The validation examples of a dataset that brings its own validation split (a `valid/` or `val/` folder):
 * every class's examples of that split (`labels`, uint8 class indices in [0, numClasses)) in one random order,
 * at most `examplesPerClass` of each (null = all), listed in a random order across classes so a prefix (the
 * recipe's `maxValExamples`) is a random, roughly stratified sample. Every phase of a run validates on this same
 * list, so the sets are nested (equal), and none of it is ever trained on: training reads only the training
 * split. Seeded by `rng` alone. Throws when a label is out of range.
 */
export function ownValidationOrder(labels: Uint8Array, numClasses: number, examplesPerClass: number | null, rng: UnitRandom): Int32Array {
  const groups: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((y, i) => {
    const g = groups[y];
    if (g === undefined) throw new Error(`validation labels[${i}] = ${y} is not a class index in [0, ${numClasses})`);
    g.push(i);
  });
  const kept = groups.flatMap((group) => {
    const g = shuffleInPlace(Int32Array.from(group), rng);
    return Array.from(examplesPerClass === null ? g : g.subarray(0, Math.min(examplesPerClass, g.length)));
  });
  return shuffleInPlace(Int32Array.from(kept), rng);
}
