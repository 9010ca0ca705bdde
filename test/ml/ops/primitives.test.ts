// Every primitive's output shape (stride 1 and 2, even and odd sizes), FactorizedReduce, batch-norm
// semantics and the stop-gradient / stop-forward gates, on each test backend.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PRIMITIVES } from '../../../src/core/space/primitives.ts';
import { applyBatchNorm } from '../../../src/ml/ops/batch-norm.ts';
import { factorizedReduce } from '../../../src/ml/ops/factorized-reduce.ts';
import type { Mode } from '../../../src/ml/ops/layer.ts';
import { buildPrimitive } from '../../../src/ml/ops/primitives.ts';
import { stopForward, stopGradient } from '../../../src/ml/ops/stop-grad.ts';
import { VarStore } from '../../../src/ml/weights/var-store.ts';
import { TEST_BACKENDS, useBackend } from '../backends.ts';

const source = () => { let s = 0.123; return () => (s = (s * 9301 + 49297) % 233280 / 233280); };

describe.each(TEST_BACKENDS)('primitives on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  // SwiftShader compiles a shader per op and shape: the webgpu runs check only the odd size.
  const sizes = backend === 'webgpu' ? [7] : [8, 7];
  const store = new VarStore(source);
  afterAll(() => store.dispose());

  for (const h of sizes) {
    for (const stride of [1, 2] as const) {
      it(`every primitive keeps C and gives ceil(H/s) at H=${h}, stride ${stride}`, async () => {
        const x = tf.randomNormal([2, h, h, 4]) as tf.Tensor4D;
        for (const op of ALL_PRIMITIVES) {
          for (const affine of [true, false]) {
            const layer = buildPrimitive(store, `t${h}s${stride}${affine}/${op}`, op, 4, stride, affine);
            const y = layer(x, { training: true, updates: [] });
            expect(y.shape, op).toEqual([2, Math.ceil(h / stride), Math.ceil(h / stride), 4]);
            expect(Number.isFinite((await y.sum().data())[0]), op).toBe(true);
          }
        }
        x.dispose();
      });
    }
    it(`FactorizedReduce gives ceil(H/2) at H=${h} and changes channels`, () => {
      const fr = factorizedReduce(store, `fr${h}`, 6, 4, true);
      const y = fr(tf.ones([1, h, h, 6]) as tf.Tensor4D, { training: false, updates: [] });
      expect(y.shape).toEqual([1, Math.ceil(h / 2), Math.ceil(h / 2), 4]);
    });
  }

  it('sg passes the value and blocks the gradient; sf gives exact zeros and passes the gradient', async () => {
    const x = tf.tensor1d([1.5, -2, 3]);
    expect([...(await stopGradient(x).data())]).toEqual([1.5, -2, 3]);
    const g = await tf.grad((t: tf.Tensor) => stopGradient(t).square().sum())(x).data();
    expect([...g].map(Math.abs)).toEqual([0, 0, 0]);
    expect((await stopForward(tf.tensor1d([Infinity, 2])).data()).every((v) => v === 0)).toBe(true);
    expect([...(await tf.grad((t: tf.Tensor) => stopForward(t).mul(tf.tensor1d([2, 3, 4])).sum())(x).data())]).toEqual([2, 3, 4]);
  });
});

describe('primitive semantics (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('batch norm: batch statistics, momentum-0.1 moving stats with unbiased variance, inference uses them', () => {
    const store = new VarStore(source);
    const bn = store.bn('bn', 1, true);
    const x = tf.tensor4d([1, 2, 3, 6], [1, 2, 2, 1]); // mean 3, biased var 3.5, unbiased 14/3
    const mode: Mode = { training: true, updates: [] };
    const y = applyBatchNorm(x, bn, mode);
    const expected = [1, 2, 3, 6].map((v) => (v - 3) / Math.sqrt(3.5 + 1e-5));
    y.dataSync().forEach((v, i) => expect(v).toBeCloseTo(expected[i] ?? NaN, 5));
    const [mean, variance] = mode.updates;
    expect(mean?.variable).toBe(bn.mean);
    expect(mean?.value.dataSync()[0]).toBeCloseTo(0.3, 6);
    expect(variance?.value.dataSync()[0]).toBeCloseTo(0.9 + 0.1 * (14 / 3), 6);
    for (const u of mode.updates) { u.variable.assign(u.value); u.value.dispose(); }
    const z = applyBatchNorm(x, bn, { training: false, updates: [] });
    expect(z.dataSync()[0]).toBeCloseTo((1 - 0.3) / Math.sqrt(0.9 + 0.1 * (14 / 3) + 1e-5), 5);
    store.dispose();
  });

  it('non-affine batch norm has no gamma/beta and still differentiates', () => {
    const store = new VarStore(source);
    const bn = store.bn('bn', 2, false);
    expect(bn.gamma).toBeNull();
    expect([...store.vars.keys()]).toEqual(['bn/mean', 'bn/var']);
    const g = tf.grad((t: tf.Tensor) => applyBatchNorm(t as tf.Tensor4D, bn, { training: true, updates: [] }).square().sum());
    expect(g(tf.randomNormal([2, 2, 2, 2])).shape).toEqual([2, 2, 2, 2]);
    store.dispose();
  });

  it('avg pool excludes padding from the average; max pool ignores padding', () => {
    const store = new VarStore(source);
    const x = tf.ones([1, 3, 3, 1]) as tf.Tensor4D;
    const mode = { training: false, updates: [] };
    expect(buildPrimitive(store, 'a/avg_pool_3x3', 'avg_pool_3x3', 1, 1, true)(x, mode).dataSync().every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
    expect(buildPrimitive(store, 'a/max_pool_3x3', 'max_pool_3x3', 1, 1, true)(x.neg() as tf.Tensor4D, mode).dataSync().every((v) => v === -1)).toBe(true);
  });

  it('stride-2 dilated conv reads the same taps as PyTorch (centred on even positions)', () => {
    const store = new VarStore(source);
    const layer = buildPrimitive(store, 'd/dil_conv_3x3', 'dil_conv_3x3', 1, 2, true);
    store.vars.get('d/dil_conv_3x3/dw')?.assign(tf.tensor4d([0, 0, 0, 0, 1, 0, 0, 0, 0], [3, 3, 1, 1]));
    store.vars.get('d/dil_conv_3x3/pw')?.assign(tf.ones([1, 1, 1, 1]));
    const x = tf.tensor4d(Array.from({ length: 25 }, (_, i) => i + 1), [1, 5, 5, 1]);
    // Centre tap only and an identity BN (inference, mean 0, var 1): the output is x at rows/cols 0, 2, 4.
    const y = layer(x, { training: false, updates: [] });
    expect(y.shape).toEqual([1, 3, 3, 1]);
    const expected = [1, 3, 5, 11, 13, 15, 21, 23, 25];
    y.dataSync().forEach((v, i) => expect(v).toBeCloseTo((expected[i] ?? NaN) / Math.sqrt(1 + 1e-5), 4));
    store.dispose();
  });
});
