// The shared shape of every building block: a closure over its variables, created once at build time and
// called on every forward pass (like a PyTorch module).

import type * as tf from '@tensorflow/tfjs';
import type { StatUpdate } from '../model/network-types.ts';
import type { DropPathSetting } from './drop-path.ts';

export interface Mode {
  training: boolean;
  /** Batch-norm moving-statistic updates collected during a training forward pass. */
  updates: StatUpdate[];
  /** Drop path of this training step (final training only); absent or probability 0 = off. */
  dropPath?: DropPathSetting;
}

export type Layer = (x: tf.Tensor4D, mode: Mode) => tf.Tensor4D;
