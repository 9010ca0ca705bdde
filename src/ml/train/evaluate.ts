// Evaluation of a network on un-augmented examples (validation or test): mean cross-entropy and accuracy.

import * as tf from '@tensorflow/tfjs';
import type { Network } from '../model/network-types.ts';
import type { PhaseData } from './batches.ts';
import { batchRanges, disposeBatch, makeBatch } from './batches.ts';
import type { ImageShape } from '../../data/dataset.ts';
import type { ChannelStats } from '../../data/normalize.ts';
import type { TestSet } from '../../data/splits/test-set.ts';

export interface EvalResult {
  loss: number;
  acc: number;
  count: number;
}

/**
 * Inference-mode loss and accuracy on `indices` in batches of `batchSize`. `beforeBatch` runs before each
 * batch (the trainer's cancellation check).
 */
export async function evaluate(
  net: Network,
  data: PhaseData,
  indices: Int32Array,
  batchSize: number,
  beforeBatch: () => void = () => {},
): Promise<EvalResult> {
  let lossSum = 0;
  let correct = 0;
  for (const [s, e] of batchRanges(indices.length, batchSize)) {
    beforeBatch();
    const batch = makeBatch(data, indices.subarray(s, e), null);
    const sums = tf.tidy(() => {
      const { logits } = net.forward(batch.x, false);
      const losses = tf.losses.softmaxCrossEntropy(batch.y, logits, undefined, undefined, tf.Reduction.NONE);
      const hits = tf.equal(tf.argMax(logits, 1), batch.labels).toFloat();
      return tf.stack([tf.sum(losses), tf.sum(hits)]);
    });
    disposeBatch(batch);
    const [l, c] = await sums.data();
    sums.dispose();
    lossSum += l as number;
    correct += c as number;
  }
  const n = indices.length;
  return { loss: n > 0 ? lossSum / n : NaN, acc: n > 0 ? correct / n : 0, count: n };
}

/** What a trained network needs to be tested: its input shape, class count and training normalisation. */
export interface TestInput {
  shape: ImageShape;
  numClasses: number;
  /** The per-channel statistics the network was trained with (its last phase's training examples). */
  stats: ChannelStats;
}

/**
 * Test accuracy of a trained network: inference-mode top-1 accuracy and mean cross-entropy on `test.indices`
 * of `test.split` (un-augmented, normalised with `input.stats`), in batches of `batchSize`; `count` is the
 * number of test examples. Every tensor it makes is freed. Throws what `beforeBatch` throws (cancellation),
 * and on a label outside [0, numClasses). Measured after training, reported, never used to choose anything.
 */
export function evaluateTest(
  net: Network,
  test: TestSet,
  input: TestInput,
  batchSize: number,
  beforeBatch: () => void = () => {},
): Promise<EvalResult> {
  const none = new Int32Array(0);
  const data: PhaseData = { split: test.split, shape: input.shape, numClasses: input.numClasses, trainIdx: none, valIdx: none,
    stats: input.stats };
  return evaluate(net, data, test.indices, batchSize, beforeBatch);
}
