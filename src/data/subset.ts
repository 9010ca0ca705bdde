// Seeded subsets with N examples per class, for quick searches on part of a dataset.
import type { Dataset, DatasetSplit, ImageShape } from './dataset.ts';
import { DatasetError } from './errors.ts';
// The per-class choice is split.ts's, the one implementation of it.
import { subsetPerClass as subsetIndices } from './split.ts';

/** A uniform [0, 1) source: a plain function or an object with next(), so a core RNG can be passed as is. */
export type RandomSource = (() => number) | { next(): number };

function toFn(r: RandomSource): () => number {
  return typeof r === 'function' ? r : () => r.next();
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
  const next = toFn(random);
  return takeExamples(split, shape, Array.from(subsetIndices(split.labels, numClasses, perClass, { next })));
}

/** A dataset whose training split (and, if `testPerClass` is given, test split) is cut down per class. */
export function subsetDataset(d: Dataset, trainPerClass: number, random: RandomSource, testPerClass?: number): Dataset {
  const train = subsetPerClass(d.train, d.shape, d.numClasses, trainPerClass, random);
  const test = d.test && testPerClass !== undefined ? subsetPerClass(d.test, d.shape, d.numClasses, testPerClass, random) : d.test;
  return { ...d, train, test };
}
