// A whole training phase (two SGD steps and a validation pass) of the seed reference architecture (14×14) gives the
// same losses and weights with the stock and with the fast cpu kernels, and frees its tensors.

import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recipe, syntheticPhase } from '../../../bench/throughput/step-timers.ts';
import { validateDesc } from '../../../src/core/space/validate-desc.ts';
import type { EpochMetrics } from '../../../src/core/search-types.ts';
import type { NamedWeights } from '../../../src/core/weights.ts';
import { registerFastCpuKernels, restoreStockCpuKernels } from '../../../src/ml/kernels/cpu/register.ts';
import { buildNetwork } from '../../../src/ml/model/network.ts';
import { trainPhase } from '../../../src/ml/train/train.ts';
import { readWeights } from '../../../src/ml/weights/weights-io.ts';

// At 14×14 (the reference is 28×28) so that the stock kernels' run stays short; the architecture is the same.
const reference = validateDesc(JSON.parse(readFileSync('bench/reference-archs/seed.json', 'utf8')));
const seedArch = { ...reference, input: { ...reference.input, height: 14, width: 14 } };

async function trainOnce(): Promise<{ history: EpochMetrics[]; weights: NamedWeights }> {
  const batch = 4;
  const steps = 2;
  const net = buildNetwork(seedArch, { seed: 3 });
  try {
    const data = syntheticPhase(seedArch, batch * steps + 8);
    const { history } = await trainPhase(net, data, recipe(batch, steps), { seed: 5, l1Alpha: 0, augment: { pad: 0, flip: false } });
    return { history, weights: readWeights(net.variables) };
  } finally {
    net.dispose();
  }
}

describe('a training phase of the seed reference architecture on the cpu backend', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });
  afterAll(() => restoreStockCpuKernels());

  it('gives the same losses and weights with the fast kernels as with the stock ones', async () => {
    const baseline = tf.memory().numTensors;
    restoreStockCpuKernels();
    const stock = await trainOnce();
    expect(tf.memory().numTensors).toBe(baseline);
    registerFastCpuKernels();
    const fast = await trainOnce();
    expect(tf.memory().numTensors).toBe(baseline);

    for (const key of ['trainLoss', 'trainAcc', 'valLoss', 'valAcc'] as const) {
      expect(fast.history[0]![key], key).toBeCloseTo(stock.history[0]![key], 4);
    }
    expect(fast.weights.specs).toEqual(stock.weights.specs);
    let moved = 0;
    for (const s of stock.weights.specs) {
      const size = s.shape.reduce((a, b) => a * b, 1);
      const a = fast.weights.data.subarray(s.offset, s.offset + size);
      const b = stock.weights.data.subarray(s.offset, s.offset + size);
      let scale = 0;
      let worst = 0;
      for (let i = 0; i < size; i++) {
        scale = Math.max(scale, Math.abs(b[i]!));
        worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      }
      expect(worst, `${s.path}: largest difference ${worst} at scale ${scale}`).toBeLessThanOrEqual(1e-5 + 1e-4 * scale);
      if (worst > 0) moved++;
    }
    // Summation orders differ, so some weights differ in their last bits: the comparison is not vacuous.
    expect(moved).toBeGreaterThan(0);
  });
});
