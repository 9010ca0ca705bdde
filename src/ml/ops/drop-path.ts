// Drop path (DARTS / Archai `DropPath_`): in training, each example's whole edge output is zeroed with
// probability p and the survivors are scaled by 1/(1−p), so the expected output is unchanged.

import * as tf from '@tensorflow/tfjs';
import type { PrimitiveName } from '../../core/space/model-desc.ts';
import type { Layer, Mode } from './layer.ts';

/** Probability and random source of the drop-path masks of one training step (spec §5). */
export interface DropPathSetting {
  /** Probability in [0, 1) of zeroing one example's edge output. */
  prob: number;
  /** Uniform [0, 1) draws, one per example per dropped edge (the trainer's seeded stream, so resume repeats it). */
  random: () => number;
}

/**
 * Whether an edge of primitive `op` is wrapped by drop path: never `skip_connect` (identity, or the stride-2
 * factorized reduce) and never `none`, as Archai's `can_drop_path` (operations.py).
 */
export function dropsPath(op: PrimitiveName): boolean {
  return op !== 'skip_connect' && op !== 'none';
}

/**
 * `x` [N, H, W, C] times a per-example mask [N, 1, 1, 1] of 0 (probability p) or 1/(1−p). The identity in
 * inference mode and when p is 0. Throws a RangeError for p outside [0, 1).
 */
export function dropPath(x: tf.Tensor4D, mode: Mode): tf.Tensor4D {
  const setting = mode.dropPath;
  if (!mode.training || !setting || setting.prob === 0) return x;
  const p = setting.prob;
  if (!(p > 0 && p < 1)) throw new RangeError(`drop path: probability must be in [0, 1), got ${p}`);
  const keep = 1 - p;
  const n = x.shape[0];
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) mask[i] = setting.random() < keep ? 1 / keep : 0;
  return tf.mul(x, tf.tensor4d(mask, [n, 1, 1, 1]));
}

/** `layer` followed by drop path. */
export function withDropPath(layer: Layer): Layer {
  return (x, mode) => dropPath(layer(x, mode), mode);
}
