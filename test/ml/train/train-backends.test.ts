// One training step of real networks (a seed and a grown child with its candidate) gives the same weights on
// every backend: WebGPU must not silently drop or mis-sum the ~100 gradients that global-norm clipping adds up.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelDesc } from '../../../src/core/space/model-desc.ts';
import type { NamedWeights } from '../../../src/core/weights.ts';
import { buildNetwork } from '../../../src/ml/model/network.ts';
import { Sgd } from '../../../src/ml/train/sgd.ts';
import { readWeightsAsync } from '../../../src/ml/weights/weights-io.ts';
import { TEST_BACKENDS, useBackend } from '../backends.ts';
import { growthChain } from '../fixtures.ts';

const { seed, child } = growthChain('canonical');

/** One SGD step (clip 5 with a tiny gradient scale so clipping matters) on a fixed batch; returns the weights. */
async function stepOn(desc: ModelDesc, backend: 'cpu' | 'webgpu'): Promise<{ before: NamedWeights; after: NamedWeights; leaked: number }> {
  await useBackend(backend);
  const start = tf.memory().numTensors;
  const net = buildNetwork(desc, { seed: 11 });
  const sgd = new Sgd(net.trainable.map((v) => ({ path: v.name, variable: v })), { momentum: 0.9, weightDecay: 3e-4, gradClip: 0.5 });
  const x = tf.tensor4d(Array.from({ length: 4 * 64 }, (_, i) => Math.sin(i) * 2), [4, 8, 8, 1]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3));
  const before = await readWeightsAsync(net.variables);
  const { grads, value } = tf.variableGrads(() => {
    const out = net.forward(x, true);
    for (const u of out.statUpdates) u.value.dispose();
    return tf.losses.softmaxCrossEntropy(y, out.logits) as tf.Scalar;
  }, net.trainable);
  sgd.step(grads, 0.1);
  tf.dispose([grads, value, x, y]);
  const after = await readWeightsAsync(net.variables);
  sgd.dispose();
  net.dispose();
  return { before, after, leaked: tf.memory().numTensors - start };
}

describe.runIf(TEST_BACKENDS.includes('webgpu'))('a training step agrees across backends', () => {
  afterAll(async () => {
    await useBackend('cpu');
  });

  for (const [name, desc] of [['seed', seed], ['child with candidate', child]] as const) {
    it(`${name}: webgpu equals cpu after one clipped SGD step`, async () => {
      const cpu = await stepOn(desc, 'cpu');
      const gpu = await stepOn(desc, 'webgpu');
      expect(gpu.leaked).toBe(0);
      expect(Array.from(gpu.before.data)).toEqual(Array.from(cpu.before.data));
      let maxDiff = 0;
      let moved = 0;
      cpu.after.data.forEach((v, i) => {
        maxDiff = Math.max(maxDiff, Math.abs(v - (gpu.after.data[i] ?? NaN)));
        if (v !== cpu.before.data[i]) moved++;
      });
      expect(moved).toBeGreaterThan(cpu.after.data.length / 2);
      expect(maxDiff).toBeLessThan(1e-4);
    }, 180_000);
  }
});
