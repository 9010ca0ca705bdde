import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { batchRanges, disposeBatch, epochOrder, makeBatch, type PhaseData } from '../../../src/ml/train/batches.ts';
import { createRng } from '../../../src/core/rng.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const shape = { height: 2, width: 2, channels: 1 };
const data: PhaseData = {
  split: { images: Uint8Array.from([0, 0, 0, 0, 255, 255, 255, 255, 0, 255, 0, 255]), labels: Uint8Array.from([0, 1, 2]), count: 3 },
  shape, numClasses: 3, trainIdx: Int32Array.from([0, 1, 2]), valIdx: Int32Array.from([1]),
  stats: { mean: [0.5], std: [0.5] },
};

describe('batches', () => {
  it('splits an epoch into batches, honouring maxBatches', () => {
    expect(batchRanges(10, 4)).toEqual([[0, 4], [4, 8], [8, 10]]);
    expect(batchRanges(10, 4, 2)).toEqual([[0, 4], [4, 8]]);
    expect(() => batchRanges(10, 0)).toThrow(/batch size must be an integer ≥ 1, got 0/);
  });
  it('shuffles a copy per epoch, deterministically', () => {
    const idx = Int32Array.from({ length: 20 }, (_, i) => i);
    const a = epochOrder(idx, createRng(1));
    expect(Array.from(a)).toEqual(Array.from(epochOrder(idx, createRng(1))));
    expect(Array.from(a)).not.toEqual(Array.from(idx));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from(idx));
  });
  it('normalises, one-hot encodes, and augments only when asked', () => {
    const before = tf.memory().numTensors;
    const plain = makeBatch(data, Int32Array.from([2, 0]), null);
    expect(plain.x.shape).toEqual([2, 2, 2, 1]);
    expect(Array.from(plain.x.dataSync())).toEqual([-1, 1, -1, 1, -1, -1, -1, -1]);
    expect(plain.y.arraySync()).toEqual([[0, 0, 1], [1, 0, 0]]);
    expect(Array.from(plain.labels.dataSync())).toEqual([2, 0]);
    disposeBatch(plain);
    const aug = makeBatch(data, Int32Array.from([1]), { options: { pad: 0, flip: false, cutout: 2 }, rng: createRng(3) });
    expect(Array.from(aug.x.dataSync()).filter((v) => v === 0).length).toBeGreaterThan(0);
    disposeBatch(aug);
    expect(tf.memory().numTensors).toBe(before);
  });
});
