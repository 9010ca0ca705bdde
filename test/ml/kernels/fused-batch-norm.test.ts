// Batch norm's fused training kernels give the stock composite's outputs (y and the new moving statistics)
// and gradients (input, scale, offset) within float32 tolerance, affine and not, on each test backend, and
// free every tensor they make.

import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyBatchNorm } from '../../../src/ml/ops/batch-norm.ts';
import { BN_TRAIN, setFusedTraining, useFused } from '../../../src/ml/kernels/fused/register.ts';
import type { Mode } from '../../../src/ml/ops/layer.ts';
import type { BnVars } from '../../../src/ml/weights/var-store.ts';
import { createRng } from '../../../src/core/rng.ts';
import { TEST_BACKENDS, useBackend } from '../backends.ts';

function randn(shape: number[], seed: number, scale = 1, shift = 0): tf.Tensor {
  const rng = createRng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => shift + scale * rng.normal()), shape);
}

/** A variable holding `init`, which it disposes. */
function variable(init: tf.Tensor, trainable = true): tf.Variable {
  const v = tf.variable(init, trainable);
  init.dispose();
  return v;
}

interface Outcome {
  y: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  grads: Float32Array[];
}

/** One training-mode batch norm of x under a gradient tape: loss = Σ y·w (w fixed, so dy is not constant). */
async function run(fused: boolean, x: tf.Tensor4D, w: tf.Tensor4D, bn: BnVars): Promise<Outcome> {
  setFusedTraining(fused);
  const mode: Mode = { training: true, updates: [] };
  let y: tf.Tensor | null = null;
  const wrt = [bn.gamma, bn.beta].filter((v): v is tf.Variable => v !== null);
  const xv = tf.variable(x);
  // The non-affine path's constant scale and offset are made outside any tidy here, so the scope catches them.
  tf.engine().startScope();
  const { value, grads } = tf.variableGrads(() => {
    const out = applyBatchNorm(xv as unknown as tf.Tensor4D, bn, mode);
    y = tf.keep(out);
    return tf.sum(tf.mul(out, w)) as tf.Scalar;
  }, [xv, ...wrt]);
  tf.engine().endScope([value, ...Object.values(grads), ...mode.updates.map((u) => u.value)] as unknown as tf.TensorContainer);
  const order = [xv, ...wrt].map((v) => grads[v.name] as tf.Tensor);
  const outcome: Outcome = {
    y: (await (y as unknown as tf.Tensor).data()) as Float32Array,
    mean: (await (mode.updates[0]?.value as tf.Tensor).data()) as Float32Array,
    variance: (await (mode.updates[1]?.value as tf.Tensor).data()) as Float32Array,
    grads: await Promise.all(order.map(async (g) => (await g.data()) as Float32Array)),
  };
  tf.dispose([value, y as unknown as tf.Tensor, xv, ...Object.values(grads), ...mode.updates.map((u) => u.value)]);
  return outcome;
}

function expectClose(a: Float32Array, b: Float32Array, tol: number, what: string): void {
  expect(a.length, what).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)) / (1 + Math.abs(b[i] as number)));
  expect(worst, what).toBeLessThan(tol);
}

describe.each(TEST_BACKENDS)('fused batch norm on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  afterEach(() => setFusedTraining(true));

  it('is registered and selected by default', () => {
    expect(useFused(BN_TRAIN)).toBe(true);
    setFusedTraining(false);
    expect(useFused(BN_TRAIN)).toBe(false);
  });

  it.each([
    { shape: [4, 5, 6, 8], affine: true },
    { shape: [3, 7, 5, 12], affine: false },
    { shape: [2, 1, 1, 3], affine: true },
  ])('matches the composite for $shape, affine $affine', async ({ shape, affine }) => {
    const c = shape[3] as number;
    const before = tf.memory().numTensors;
    const x = randn(shape, 1, 2, 0.5) as tf.Tensor4D;
    const w = randn(shape, 2) as tf.Tensor4D;
    const bn: BnVars = {
      gamma: affine ? variable(randn([c], 3, 0.3, 1)) : null,
      beta: affine ? variable(randn([c], 4, 0.3)) : null,
      mean: variable(randn([c], 5, 0.1), false),
      variance: variable(randn([c], 6, 0.1, 1), false),
    };
    const stock = await run(false, x, w, bn);
    const fused = await run(true, x, w, bn);
    const tol = backend === 'cpu' ? 1e-5 : 1e-4;
    expectClose(fused.y, stock.y, tol, 'y');
    expectClose(fused.mean, stock.mean, tol, 'moving mean');
    expectClose(fused.variance, stock.variance, tol, 'moving variance');
    expect(fused.grads.length).toBe(affine ? 3 : 1);
    fused.grads.forEach((g, i) => expectClose(g, stock.grads[i] as Float32Array, 10 * tol, `gradient ${i}`));
    tf.dispose([x, w, bn.mean, bn.variance, ...[bn.gamma, bn.beta].filter((v): v is tf.Variable => v !== null)]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
