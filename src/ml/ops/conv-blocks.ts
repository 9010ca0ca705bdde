// The convolution blocks the cells are made of: ReLU-conv-BN, DilConv (depthwise + pointwise) and the
// inverted-residual MBConv block.

import * as tf from '@tensorflow/tfjs';
import type { Stride } from '../../core/model-desc.ts';
import type { VarStore } from '../var-store.ts';
import { batchNormLayer } from './batch-norm.ts';
import type { Layer } from './layer.ts';

/** ReLU → conv k×k (no bias) → BN; `prepr_normal` is the 1×1 case. */
export function reluConvBn(
  store: VarStore, path: string, cIn: number, cOut: number, k: number, stride: Stride, affine: boolean,
): Layer {
  const w = store.conv(`${path}/conv`, [k, k, cIn, cOut]);
  const bn = batchNormLayer(store, `${path}/bn`, cOut, affine);
  return (x, mode) => bn(tf.conv2d(tf.relu(x), w as tf.Tensor4D, stride, 'same'), mode);
}

/** Inserts (d − 1) zeros between the taps of a [k, k, C, 1] depthwise filter along `axis` (0 or 1). */
function dilateAxis(f: tf.Tensor4D, d: number, axis: 0 | 1): tf.Tensor4D {
  const [kh, kw, c] = f.shape;
  if (axis === 0) {
    const spread = tf.pad(f.reshape([kh, 1, kw * c, 1]), [[0, 0], [0, d - 1], [0, 0], [0, 0]]);
    return spread.reshape([kh * d, kw, c, 1]).slice([0, 0, 0, 0], [kh * d - d + 1, kw, c, 1]) as tf.Tensor4D;
  }
  const spread = tf.pad(f.reshape([kh, kw, 1, c]), [[0, 0], [0, 0], [0, d - 1], [0, 0]]);
  return spread.reshape([kh, kw * d, c, 1]).slice([0, 0, 0, 0], [kh, kw * d - d + 1, c, 1]) as tf.Tensor4D;
}

/**
 * Depthwise conv with PyTorch's symmetric padding (k−1)·d/2, so a stride-2 output is centred on even
 * positions as in Archai. TF.js has no gradient for dilated depthwise convs (and no stride 2 with dilation
 * 2), so a dilated filter is spread out with zeros into an ordinary, differentiable one.
 */
function depthwise(x: tf.Tensor4D, w: tf.Variable, stride: Stride, dilation: number): tf.Tensor4D {
  let f = w as tf.Tensor4D;
  if (dilation > 1) f = dilateAxis(dilateAxis(f, dilation, 0), dilation, 1);
  return tf.depthwiseConv2d(x, f, stride, (f.shape[0] - 1) / 2);
}

/**
 * DilConv(k, stride, dilation) = ReLU → depthwise k×k → conv 1×1 C→C → BN. `suffix` numbers the two blocks
 * of a sep_conv (`dw1`, `pw1`, `bn1`, …), as the cost counter names them.
 */
export function dilConv(
  store: VarStore, path: string, c: number, k: number, stride: Stride, dilation: number, affine: boolean, suffix = '',
): Layer {
  const dw = store.conv(`${path}/dw${suffix}`, [k, k, c, 1], true);
  const pw = store.conv(`${path}/pw${suffix}`, [1, 1, c, c]);
  const bn = batchNormLayer(store, `${path}/bn${suffix}`, c, affine);
  return (x, mode) => bn(tf.conv2d(depthwise(tf.relu(x), dw, stride, dilation), pw as tf.Tensor4D, 1, 'same'), mode);
}

/** sep_conv_kxk: two DilConv blocks with dilation 1, the first strided. */
export function sepConv(store: VarStore, path: string, c: number, k: number, stride: Stride, affine: boolean): Layer {
  const first = dilConv(store, path, c, k, stride, 1, affine, '1');
  const second = dilConv(store, path, c, k, 1, 1, affine, '2');
  return (x, mode) => second(first(x, mode), mode);
}

/** mbconv_r{r}: 1×1 expand → ReLU6 → depthwise 3×3 → ReLU6 → 1×1 project → BN; biases iff BN is affine. */
export function mbConv(store: VarStore, path: string, c: number, r: number, stride: Stride, affine: boolean): Layer {
  const cMid = c * r;
  const expand = store.conv(`${path}/expand`, [1, 1, c, cMid]);
  const dw = store.conv(`${path}/dw`, [3, 3, cMid, 1], true);
  const project = store.conv(`${path}/project`, [1, 1, cMid, c]);
  const biases = affine
    ? [store.zeros(`${path}/expand/bias`, [cMid]), store.zeros(`${path}/dw/bias`, [cMid]), store.zeros(`${path}/project/bias`, [c])]
    : null;
  const bn = batchNormLayer(store, `${path}/bn`, c, affine);
  const addBias = (t: tf.Tensor4D, i: number): tf.Tensor4D => (biases ? t.add(biases[i] as tf.Tensor1D) : t);
  return (x, mode) => {
    let y = tf.relu6(addBias(tf.conv2d(x, expand as tf.Tensor4D, 1, 'same'), 0));
    y = tf.relu6(addBias(depthwise(y, dw, stride, 1), 1));
    return bn(addBias(tf.conv2d(y, project as tf.Tensor4D, 1, 'same'), 2), mode);
  };
}
