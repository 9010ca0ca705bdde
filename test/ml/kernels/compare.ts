// Runs one TF.js kernel with the stock cpu kernels and with the fast ones on the same inputs, for the
// equality tests of test/ml/kernels.

import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { registerFastCpuKernels, restoreStockCpuKernels } from '../../../src/ml/kernels/cpu/register.ts';

/** Seeded uniform values in [-1, 1). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

export function randomTensor(shape: number[], rand: () => number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, rand), shape);
}

/** The kernel's output values with stock and with fast kernels; the kernels end registered as fast. */
export function stockAndFast(kernel: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap): { stock: tf.Tensor; fast: tf.Tensor } {
  restoreStockCpuKernels();
  const stock = tf.engine().runKernel(kernel, inputs, attrs) as tf.Tensor;
  registerFastCpuKernels();
  const fast = tf.engine().runKernel(kernel, inputs, attrs) as tf.Tensor;
  return { stock, fast };
}

/** Same shape, and every element within atol + rtol·(largest |stock| element) of the stock value. */
export function expectClose(fast: tf.Tensor, stock: tf.Tensor, label: string, rtol = 1e-5, atol = 1e-5): void {
  expect(fast.shape, label).toEqual(stock.shape);
  const a = fast.dataSync();
  const b = stock.dataSync();
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  const tol = atol + rtol * scale;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  expect(worst <= tol, `${label}: |fast − stock| = ${worst} at ${at} (fast ${a[at]}, stock ${b[at]}), tolerance ${tol}`).toBe(true);
}
