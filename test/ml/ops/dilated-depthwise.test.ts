// The dilation-2 depthwise conv built on the k×k filter (phase split) gives the same outputs and the same
// gradients (input and filter) as the filter spread out with zeros into a (2k−1)×(2k−1) one, for strides 1
// and 2, k 3 and 5, odd and even sizes, on each test backend.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { depthwise } from '../../../src/ml/ops/conv-blocks.ts';
import { createRng } from '../../../src/core/rng.ts';
import { TEST_BACKENDS, useBackend } from '../backends.ts';

/** The reference: taps of a [k, k, C, 1] filter spread to every second position of a [2k−1, 2k−1, C, 1] one. */
function zeroSpread(w: tf.Tensor4D): tf.Tensor4D {
  const [k, , c] = w.shape;
  const kd = 2 * k - 1;
  const rows = tf.stack([w, tf.zerosLike(w)], 1).reshape([2 * k, k, c, 1]).slice([0, 0, 0, 0], [kd, k, c, 1]);
  const cols = tf.stack([rows, tf.zerosLike(rows)], 2).reshape([kd, 2 * k, c, 1]).slice([0, 0, 0, 0], [kd, kd, c, 1]);
  return cols as tf.Tensor4D;
}

function reference(x: tf.Tensor4D, w: tf.Tensor4D, stride: 1 | 2): tf.Tensor4D {
  return tf.tidy(() => {
    const f = zeroSpread(w);
    return tf.depthwiseConv2d(x, f, stride, (f.shape[0] - 1) / 2);
  });
}

function randn(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
}

function maxAbs(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

describe.each(TEST_BACKENDS)('dilated depthwise conv on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  // SwiftShader compiles a shader per op and shape: the webgpu runs check one odd and one even size.
  const sizes = backend === 'webgpu' ? [7, 10] : [5, 7, 8, 11, 12];

  for (const k of [3, 5]) {
    for (const stride of [1, 2] as const) {
      it(`k=${k}, stride ${stride}: outputs and gradients equal the zero-spread filter's`, async () => {
        const before = tf.memory().numTensors;
        for (const h of sizes) {
          const w0 = h + 1; // non-square: the two axes are handled separately
          const x = randn([2, h, w0, 3], h) as tf.Tensor4D;
          const w = randn([k, k, 3, 1], 100 + h) as tf.Tensor4D;
          const dy = randn([2, Math.ceil(h / stride), Math.ceil(w0 / stride), 3], 200 + h) as tf.Tensor4D;
          const got = tf.tidy(() => depthwise(x, w, stride, 2));
          const want = reference(x, w, stride);
          expect(got.shape).toEqual(want.shape);
          expect(got.shape).toEqual(dy.shape);
          expect(maxAbs(await got.data(), await want.data()), `output, H=${h}`).toBeLessThan(1e-5);

          const loss = (f: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D) => (a: tf.Tensor, b: tf.Tensor) =>
            f(a as tf.Tensor4D, b as tf.Tensor4D).mul(dy).sum();
          const [gx, gw] = tf.grads(loss((a, b) => depthwise(a, b, stride, 2)))([x, w]);
          const [rx, rw] = tf.grads(loss((a, b) => reference(a, b, stride)))([x, w]);
          expect(gw?.shape).toEqual([k, k, 3, 1]);
          expect(maxAbs(await gx!.data(), await rx!.data()), `input gradient, H=${h}`).toBeLessThan(1e-4);
          expect(maxAbs(await gw!.data(), await rw!.data()), `filter gradient, H=${h}`).toBeLessThan(1e-4);
          tf.dispose([x, w, dy, got, want, gx!, gw!, rx!, rw!]);
        }
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }

  it('rejects a dilation it does not build', () => {
    const x = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    const w = tf.zeros([3, 3, 1, 1]) as tf.Tensor4D;
    expect(() => depthwise(x, w, 1, 3)).toThrow(/dilation 3 is not supported/);
    tf.dispose([x, w]);
  });
});
