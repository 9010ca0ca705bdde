// The fused SGD step (one kernel over every parameter) gives the composite's weights and momentum buffers
// within float32 tolerance over several steps, with the global-norm clip active and inactive, on each test
// backend, and frees every tensor it makes.

import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.ts';
import { SGD_STEP, setFusedTraining, useFused } from '../../../src/ml/kernels/fused/register.ts';
import { Sgd } from '../../../src/ml/train/sgd.ts';
import { TEST_BACKENDS, useBackend } from '../backends.ts';

const SHAPES = [[3, 3, 4, 8], [8], [1, 1, 8, 8], [10, 5], [2]];

function randn(shape: number[], seed: number, scale: number): tf.Tensor {
  const rng = createRng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * rng.normal()), shape);
}

/** Three steps of `fused` or composite SGD from the same start; returns every weight and buffer. */
async function run(fused: boolean, gradClip: number): Promise<Float32Array[]> {
  setFusedTraining(fused);
  const vars = SHAPES.map((s, i) => {
    const t = randn(s, 10 + i, 1);
    const v = tf.variable(t);
    t.dispose();
    return v;
  });
  const sgd = new Sgd(vars.map((variable, i) => ({ path: `p${i}`, variable })), { momentum: 0.9, weightDecay: 3e-4, gradClip });
  for (let step = 0; step < 3; step++) {
    const grads: tf.NamedTensorMap = {};
    vars.forEach((v, i) => { grads[v.name] = randn(v.shape, 100 * step + i, 2); });
    sgd.step(grads, 0.05 + 0.01 * step);
    tf.dispose(Object.values(grads));
  }
  const state = await sgd.exportState();
  const out = [...(await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array))),
    state.buffers.data];
  sgd.dispose();
  tf.dispose(vars);
  return out;
}

describe.each(TEST_BACKENDS)('fused SGD step on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  afterEach(() => setFusedTraining(true));

  it('is registered and selected by default', () => {
    expect(useFused(SGD_STEP)).toBe(true);
  });

  it.each([{ clip: 5 }, { clip: 1e6 }, { clip: 0 }])('matches the composite with gradClip $clip', async ({ clip }) => {
    const before = tf.memory().numTensors;
    const stock = await run(false, clip);
    const fused = await run(true, clip);
    expect(fused.length).toBe(SHAPES.length + 1);
    fused.forEach((f, i) => {
      const s = stock[i] as Float32Array;
      expect(f.length).toBe(s.length);
      for (let j = 0; j < f.length; j++) expect(Math.abs((f[j] as number) - (s[j] as number))).toBeLessThan(1e-5 * (1 + Math.abs(s[j] as number)));
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
