// Every primitive of the search space at (C → C, stride s), 'same' padding, output spatial ceil(H/s).

import * as tf from '@tensorflow/tfjs';
import type { PrimitiveName, Stride } from '../../core/space/model-desc.ts';
import type { VarStore } from '../weights/var-store.ts';
import { dilConv, mbConv, sepConv } from './conv-blocks.ts';
import { factorizedReduce } from './factorized-reduce.ts';
import type { Layer } from './layer.ts';

/** Zeros of the output shape; it has no variables and contributes nothing. */
export function zeroOutput(x: tf.Tensor4D, stride: Stride): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  return tf.zeros([n, Math.ceil(h / stride), Math.ceil(w / stride), c]);
}

/**
 * Builds primitive `op` under `path` (the op name is the last path segment). `affine` is false in the
 * candidate's branches: their BN has no scale/offset and mbconv has no biases.
 */
export function buildPrimitive(
  store: VarStore, path: string, op: PrimitiveName, c: number, stride: Stride, affine: boolean,
): Layer {
  switch (op) {
    // Padding 1 on every side, as PyTorch's (Archai's) pools and the stride-2 convolutions: a stride-2 output
    // is centred on an even input position, so a pool and a conv branch of one node see the same pixels.
    // (TF's 'same' pads only the bottom/right of an even size, one pixel off.) The average divides by the
    // number of in-bounds taps (count_include_pad = false).
    case 'max_pool_3x3':
      return (x) => tf.maxPool(x, 3, stride, 1);
    case 'avg_pool_3x3':
      return (x) => tf.avgPool(x, 3, stride, 1);
    case 'skip_connect':
      return stride === 1 ? (x) => x : factorizedReduce(store, path, c, c, affine);
    case 'sep_conv_3x3':
      return sepConv(store, path, c, 3, stride, affine);
    case 'sep_conv_5x5':
      return sepConv(store, path, c, 5, stride, affine);
    case 'dil_conv_3x3':
      return dilConv(store, path, c, 3, stride, 2, affine);
    case 'dil_conv_5x5':
      return dilConv(store, path, c, 5, stride, 2, affine);
    case 'mbconv_r1':
      return mbConv(store, path, c, 1, stride, affine);
    case 'mbconv_r2':
      return mbConv(store, path, c, 2, stride, affine);
    case 'mbconv_r3':
      return mbConv(store, path, c, 3, stride, affine);
    case 'none':
      return (x) => zeroOutput(x, stride);
    default: {
      const unknown: never = op;
      throw new Error(`unknown primitive "${String(unknown)}" at "${path}"`);
    }
  }
}
