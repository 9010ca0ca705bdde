// Batch norm with PyTorch's semantics: batch statistics and momentum-0.1 moving averages in training
// (unbiased variance for the moving average), moving statistics in inference, eps 1e-5.

import * as tf from '@tensorflow/tfjs';
import { BN_TRAIN, BN_TRAIN_GRAD, useFused } from '../kernels/fused/register.ts';
import type { BnVars, VarStore } from '../weights/var-store.ts';
import type { Layer, Mode } from './layer.ts';

export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;

/**
 * Training mode as two fused kernels (kernels/fused): the forward returns y and the new moving statistics in
 * one call, the backward recomputes the batch statistics from the saved input and returns dx, dscale and
 * doffset in one call, where the stock composite (moments, batchNorm4d and their gradients) dispatches
 * about sixty kernels.
 */
function fusedTrainingBatchNorm(x: tf.Tensor4D, bn: BnVars, scale: tf.Tensor1D, offset: tf.Tensor1D, mode: Mode): tf.Tensor4D {
  const attrs = { epsilon: BN_EPS, momentum: BN_MOMENTUM };
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, s, o, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const [y, mean, variance] = tf.engine().runKernel(BN_TRAIN,
      { x: xi, scale: s, offset: o, movingMean: bn.mean, movingVariance: bn.variance }, attrs) as tf.Tensor[];
    // Kept so that the tidy around the gradient computation does not dispose them before the caller applies them.
    mode.updates.push({ variable: bn.mean, value: tf.keep(mean as tf.Tensor) }, { variable: bn.variance, value: tf.keep(variance as tf.Tensor) });
    save([xi, s]);
    return {
      value: y as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [dx, dscale, doffset] = tf.engine().runKernel(BN_TRAIN_GRAD, { dy, x: saved[0] as tf.Tensor, scale: saved[1] as tf.Tensor }, attrs) as tf.Tensor[];
        return [dx as tf.Tensor, dscale as tf.Tensor, doffset as tf.Tensor];
      },
    };
  });
  return f(x, scale, offset) as tf.Tensor4D;
}

export function applyBatchNorm(x: tf.Tensor4D, bn: BnVars, mode: Mode): tf.Tensor4D {
  const channels = x.shape[3];
  // tf.batchNorm under a gradient tape needs real scale and offset tensors, so non-affine BN gets constants.
  const scale = (bn.gamma ?? tf.ones([channels])) as tf.Tensor1D;
  const offset = (bn.beta ?? tf.zeros([channels])) as tf.Tensor1D;
  if (!mode.training) {
    return tf.batchNorm4d(x, bn.mean as tf.Tensor1D, bn.variance as tf.Tensor1D, offset, scale, BN_EPS);
  }
  if (useFused(BN_TRAIN)) return fusedTrainingBatchNorm(x, bn, scale, offset, mode);
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  const n = x.size / channels;
  const unbiased = variance.mul(n / Math.max(n - 1, 1));
  // Kept so that the tidy around the gradient computation does not dispose them before the caller applies them.
  mode.updates.push(
    { variable: bn.mean, value: tf.keep(bn.mean.mul(1 - BN_MOMENTUM).add(mean.mul(BN_MOMENTUM))) },
    { variable: bn.variance, value: tf.keep(bn.variance.mul(1 - BN_MOMENTUM).add(unbiased.mul(BN_MOMENTUM))) },
  );
  return tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, offset, scale, BN_EPS);
}

export function batchNormLayer(store: VarStore, path: string, channels: number, affine: boolean): Layer {
  const bn = store.bn(path, channels, affine);
  return (x, mode) => applyBatchNorm(x, bn, mode);
}
