// Seeded subsets with N examples per class, for quick searches on part of a dataset.
import type { Dataset, DatasetSplit, ImageShape } from './dataset.ts';
import { DatasetError } from './errors.ts';
import { indicesPerClass } from './stats.ts';

/** A uniform [0, 1) source: a plain function or an object with next(), so a core RNG can be passed as is. */
export type RandomSource = (() => number) | { next(): number };

function toFn(r: RandomSource): () => number {
  return typeof r === 'function' ? r : () => r.next();
}

/** Picks k of the indices uniformly (partial Fisher–Yates) and returns them sorted, so the split keeps file order. */
function pick(indices: number[], k: number, random: () => number): number[] {
  const a = indices.slice();
  const n = Math.min(k, a.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (a.length - i));
    const t = a[i] ?? 0;
    a[i] = a[j] ?? 0;
    a[j] = t;
  }
  return a.slice(0, n).sort((x, y) => x - y);
}

/** Copies the listed examples, in the given order, into a new split. */
export function takeExamples(split: DatasetSplit, shape: ImageShape, indices: readonly number[]): DatasetSplit {
  const per = shape.height * shape.width * shape.channels;
  const images = new Uint8Array(indices.length * per);
  const labels = new Uint8Array(indices.length);
  indices.forEach((src, dst) => {
    images.set(split.images.subarray(src * per, (src + 1) * per), dst * per);
    labels[dst] = split.labels[src] ?? 0;
  });
  return { images, labels, count: indices.length };
}

/**
 * At most `perClass` examples of each class (all of a class that has fewer), chosen with `random`, in the
 * split's original order. Classes are drawn in class order, so the same seed gives the same subset.
 */
export function subsetPerClass(split: DatasetSplit, shape: ImageShape, numClasses: number, perClass: number, random: RandomSource): DatasetSplit {
  if (!Number.isInteger(perClass) || perClass < 1) throw new DatasetError('subset', `examples per class must be a positive integer, got ${perClass}`);
  const rnd = toFn(random);
  const chosen = indicesPerClass(split.labels, numClasses).flatMap((idx) => pick(idx, perClass, rnd));
  chosen.sort((x, y) => x - y);
  return takeExamples(split, shape, chosen);
}

/** A dataset whose training split (and, if `testPerClass` is given, test split) is cut down per class. */
export function subsetDataset(d: Dataset, trainPerClass: number, random: RandomSource, testPerClass?: number): Dataset {
  const train = subsetPerClass(d.train, d.shape, d.numClasses, trainPerClass, random);
  const test = d.test && testPerClass !== undefined ? subsetPerClass(d.test, d.shape, d.numClasses, testPerClass, random) : d.test;
  return { ...d, train, test };
}
