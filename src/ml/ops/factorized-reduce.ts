// FactorizedReduce: halves the spatial size with two offset 1×1 stride-2 convolutions, concatenated.

import * as tf from '@tensorflow/tfjs';
import type { VarStore } from '../weights/var-store.ts';
import { batchNormLayer } from './batch-norm.ts';
import type { Layer } from './layer.ts';

/**
 * The second path reads the input shifted by one pixel; it is zero-padded back to the input size at the
 * bottom/right so both paths give ceil(H/2) rows also for odd H (Archai's version breaks there).
 */
export function factorizedReduce(store: VarStore, path: string, cIn: number, cOut: number, affine: boolean): Layer {
  if (cOut % 2 !== 0) throw new Error(`FactorizedReduce at "${path}": output channels ${cOut} must be even`);
  const w1 = store.conv(`${path}/conv1`, [1, 1, cIn, cOut / 2]);
  const w2 = store.conv(`${path}/conv2`, [1, 1, cIn, cOut / 2]);
  const bn = batchNormLayer(store, `${path}/bn`, cOut, affine);
  return (x, mode) => {
    const r = tf.relu(x);
    const [n, h, w, c] = r.shape;
    const shifted = tf.pad(r.slice([0, 1, 1, 0], [n, h - 1, w - 1, c]), [[0, 0], [0, 1], [0, 1], [0, 0]]);
    const a = tf.conv2d(r, w1 as tf.Tensor4D, 2, 'same');
    const b = tf.conv2d(shifted as tf.Tensor4D, w2 as tf.Tensor4D, 2, 'same');
    return bn(tf.concat([a, b], 3), mode);
  };
}
