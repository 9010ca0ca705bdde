// Evaluation of a network on un-augmented examples (validation or test): mean cross-entropy and accuracy.

import * as tf from '@tensorflow/tfjs';
import type { Network } from './network-types.ts';
import type { PhaseData } from './batches.ts';
import { batchRanges, disposeBatch, makeBatch } from './batches.ts';

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
