// Turns the uint8 dataset plus index arrays into tf batches: a seeded shuffle per epoch, normalisation with
// the training split's statistics, and augmentation of training batches only.

import * as tf from '@tensorflow/tfjs';
import type { DatasetSplit, ImageShape } from '../../data/dataset.ts';
import type { ChannelStats } from '../../data/normalize.ts';
import { normalizeImages } from '../../data/normalize.ts';
import type { AugmentOptions } from '../../data/augment.ts';
import { augmentBatch } from '../../data/augment.ts';
import type { UnitRandom } from '../../data/split.ts';
import { shuffleInPlace } from '../../data/split.ts';

/** Everything a phase reads: the pixels, which examples train and validate, and the normalisation. */
export interface PhaseData {
  split: DatasetSplit;
  shape: ImageShape;
  numClasses: number;
  trainIdx: Int32Array;
  valIdx: Int32Array;
  /** The split `valIdx` points into when it is not `split` (a dataset's own validation split). */
  valSplit?: DatasetSplit;
  stats: ChannelStats;
}

export interface Batch {
  x: tf.Tensor4D;
  /** One-hot float32 labels. */
  y: tf.Tensor2D;
  /** Integer labels, for accuracy. */
  labels: tf.Tensor1D;
  size: number;
}

/** A shuffled copy of `indices` for one epoch. */
export function epochOrder(indices: Int32Array, rng: UnitRandom): Int32Array {
  return shuffleInPlace(indices.slice(), rng);
}

/** [start, end) of every batch; the last may be smaller; `maxBatches` cuts the epoch short. */
export function batchRanges(count: number, batchSize: number, maxBatches?: number): [number, number][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be an integer ≥ 1, got ${batchSize}`);
  const out: [number, number][] = [];
  for (let s = 0; s < count; s += batchSize) out.push([s, Math.min(count, s + batchSize)]);
  return maxBatches === undefined ? out : out.slice(0, Math.max(0, maxBatches));
}

/** A batch of the examples at `indices`; augmented when `augment` is given (training batches only). */
export function makeBatch(
  data: PhaseData,
  indices: Int32Array,
  augment: { options: AugmentOptions; rng: UnitRandom } | null,
): Batch {
  const { shape, numClasses } = data;
  let pixels = normalizeImages(data.split.images, shape, indices, data.stats);
  if (augment) pixels = augmentBatch(pixels, indices.length, shape, augment.options, augment.rng);
  const labelValues = Int32Array.from(indices, (i) => {
    const y = data.split.labels[i] as number;
    if (y >= numClasses) throw new Error(`labels[${i}] = ${y} is not a class index in [0, ${numClasses})`);
    return y;
  });
  return tf.tidy(() => {
    const labels = tf.tensor1d(labelValues, 'int32');
    return {
      x: tf.tensor4d(pixels, [indices.length, shape.height, shape.width, shape.channels]),
      y: tf.oneHot(labels, numClasses).toFloat() as tf.Tensor2D,
      labels,
      size: indices.length,
    };
  });
}

export function disposeBatch(b: Batch): void {
  tf.dispose([b.x, b.y, b.labels]);
}
