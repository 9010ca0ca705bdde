import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { evaluateTest } from '../../../src/ml/train/evaluate.ts';
import { channelStats, normalizeImages } from '../../../src/data/normalize.ts';
import type { TestSet } from '../../../src/data/splits/test-set.ts';
import { syntheticSplit, tinyDesc, tinyNetwork } from '../model/tiny-network.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const shape = { height: 8, width: 8, channels: 2 };
const split = syntheticSplit(40, 8, 8, 2, 4, 6);

describe('evaluateTest', () => {
  it('counts the top-1 hits of inference on the chosen test examples, in batches, and frees every tensor', async () => {
    const net = tinyNetwork(tinyDesc(8, 8, 2, 4), 5, false);
    const stats = channelStats(split.images, shape, Int32Array.from({ length: 40 }, (_, i) => i));
    const indices = Int32Array.from([1, 4, 7, 9, 12, 20, 21, 33, 39]);
    const test: TestSet = { split, indices, source: 'test' };
    const before = tf.memory().numTensors;
    const r = await evaluateTest(net, test, { shape, numClasses: 4, stats }, 4);
    expect(tf.memory().numTensors).toBe(before);
    // The same forward pass in one batch, by hand.
    const x = tf.tensor4d(normalizeImages(split.images, shape, indices, stats), [indices.length, 8, 8, 2]);
    const { logits } = net.forward(x, false);
    const predicted = Array.from(await tf.argMax(logits, 1).data());
    tf.dispose([x, logits]);
    const hits = predicted.filter((p, k) => p === split.labels[indices[k]!]).length;
    expect(r.count).toBe(9);
    expect(r.acc).toBeCloseTo(hits / 9, 10);
    expect(Number.isFinite(r.loss)).toBe(true);
    net.dispose();
  });

  it('stops through beforeBatch without leaking', async () => {
    const net = tinyNetwork(tinyDesc(8, 8, 2, 4), 5, false);
    const before = tf.memory().numTensors;
    let calls = 0;
    const test: TestSet = { split, indices: Int32Array.from({ length: 40 }, (_, i) => i), source: 'held-out' };
    await expect(evaluateTest(net, test, { shape, numClasses: 4, stats: { mean: [0.5, 0.5], std: [0.2, 0.2] } }, 8, () => {
      if (++calls === 3) throw new Error('stop');
    })).rejects.toThrow('stop');
    expect(calls).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });
});
