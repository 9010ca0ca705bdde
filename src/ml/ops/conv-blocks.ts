// The convolution blocks the cells are made of: ReLU-conv-BN, DilConv (depthwise + pointwise) and the
// inverted-residual MBConv block.

import * as tf from '@tensorflow/tfjs';
import type { Stride } from '../../core/space/model-desc.ts';
import type { VarStore } from '../weights/var-store.ts';
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

/**
 * Depthwise conv with PyTorch's symmetric padding (k−1)·d/2, so a stride-2 output is centred on even
 * positions as in Archai. x [N, H, W, C], w [k, k, C, 1] → [N, ceil(H/s), ceil(W/s), C].
 */
export function depthwise(x: tf.Tensor4D, w: tf.Tensor4D, stride: Stride, dilation: number): tf.Tensor4D {
  if (dilation === 1) return tf.depthwiseConv2d(x, w, stride, (w.shape[0] - 1) / 2);
  if (dilation !== 2) throw new Error(`depthwise: dilation ${dilation} is not supported (1 or 2)`);
  return dilatedDepthwise(x, w, stride);
}

/**
 * The dilation-2 depthwise conv with the k×k filter itself. TF.js has no gradient for dilated depthwise
 * convs (and no stride 2 with dilation 2), so the input is split into its four 2×2 phases (the even and odd
 * rows and columns of the padded input): a dilation-2 tap pattern on the input is an undilated one on each
 * phase. Stride 1 convolves every phase (spaceToBatchND → undilated conv → batchToSpaceND, as TF's
 * `with_space_to_batch` does); stride 2 only ever reads the even phase, since the padding 2·(k−1)/2 is even.
 * Both steps have gradients, and the work is k² taps per output instead of (2k−1)².
 */
function dilatedDepthwise(x: tf.Tensor4D, w: tf.Tensor4D, stride: Stride): tf.Tensor4D {
  const [n, h, wd, c] = x.shape;
  const p = w.shape[0] - 1;
  // One extra row/column of zeros at the end makes the padded size even, as the 2×2 split needs.
  const eh = h % 2;
  const ew = wd % 2;
  if (stride === 1) {
    const phases = tf.spaceToBatchND(x, [2, 2], [[p, p + eh], [p, p + ew]]) as tf.Tensor4D;
    const y = tf.depthwiseConv2d(phases, w, 1, 'valid');
    return tf.batchToSpaceND(y, [2, 2], [[0, eh], [0, ew]]) as tf.Tensor4D;
  }
  const hp = (h + 2 * p + eh) / 2;
  const wp = (wd + 2 * p + ew) / 2;
  const padded = tf.pad(x, [[0, 0], [p, p + eh], [p, p + ew], [0, 0]]);
  // Even rows, then even columns, each as a rank-3 slice (WebGPU's slice gradient stops at rank 4).
  const rows = padded.reshape([n * hp, 2, 2 * wp * c]).slice([0, 0, 0], [n * hp, 1, 2 * wp * c]);
  const even = rows.reshape([n * hp * wp, 2, c]).slice([0, 0, 0], [n * hp * wp, 1, c]).reshape([n, hp, wp, c]);
  return tf.depthwiseConv2d(even as tf.Tensor4D, w, 1, 'valid');
}

/**
 * DilConv(k, stride, dilation) = ReLU → depthwise k×k → conv 1×1 C→C → BN. `suffix` numbers the two blocks
 * of a sep_conv (`dw1`, `pw1`, `bn1`, …), as the cost counter names them.
 */
export function dilConv(
  store: VarStore, path: string, c: number, k: number, stride: Stride, dilation: number, affine: boolean, suffix = '',
): Layer {
  const dw = store.conv(`${path}/dw${suffix}`, [k, k, c, 1], true) as tf.Tensor4D;
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
  const dw = store.conv(`${path}/dw`, [3, 3, cMid, 1], true) as tf.Tensor4D;
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
