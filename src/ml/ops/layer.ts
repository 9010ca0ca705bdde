// The shared shape of every building block: a closure over its variables, created once at build time and
// called on every forward pass (like a PyTorch module).

import type * as tf from '@tensorflow/tfjs';
import type { StatUpdate } from '../network-types.ts';

export interface Mode {
  training: boolean;
  /** Batch-norm moving-statistic updates collected during a training forward pass. */
  updates: StatUpdate[];
}

export type Layer = (x: tf.Tensor4D, mode: Mode) => tf.Tensor4D;
