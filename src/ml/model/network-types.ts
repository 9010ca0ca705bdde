// The contract between the network builder and the trainer: a network is a set of named variables plus a
// forward function over the description.

import type * as tf from '@tensorflow/tfjs';
import type { ModelDesc } from '../../core/space/model-desc.ts';
import type { InheritanceReport } from '../../core/search-types.ts';
import type { NamedWeights } from '../../core/weights.ts';
import type { DropPathSetting } from '../ops/drop-path.ts';

/** A batch-norm moving statistic to assign after the training step (kept out of the gradient tape). */
export interface StatUpdate {
  variable: tf.Variable;
  value: tf.Tensor;
}

export interface ForwardResult {
  logits: tf.Tensor2D;
  /** The auxiliary tower's logits: only in training mode, and only for a network built with the tower. */
  auxLogits?: tf.Tensor2D;
  /** Empty in inference mode. The caller applies them with `applyStatUpdates` after the optimiser step. */
  statUpdates: StatUpdate[];
}

export interface ForwardOptions {
  dropPath?: DropPathSetting;
}

export interface Network {
  readonly desc: ModelDesc;
  /** Every variable by weight path: weights, α and batch-norm moving statistics. */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** What the optimiser updates: weights and α, not moving statistics. */
  readonly trainable: tf.Variable[];
  /** The candidate's α per cell type; null when the description has no candidate node. */
  readonly alphas: { normal: tf.Variable | null; reduction: tf.Variable | null };
  /**
   * Logits for an NHWC batch. `training` uses batch statistics in batch norm and returns their updates; drop
   * path (final training) acts only in training mode.
   */
  forward(x: tf.Tensor4D, training: boolean, opts?: ForwardOptions): ForwardResult;
  /** Assigns the moving statistics and disposes the update tensors. */
  applyStatUpdates(updates: StatUpdate[]): void;
  /** A copy of every variable (moving statistics included), in a stable path order. */
  getWeights(): NamedWeights;
  /**
   * Copies in every tensor whose path and shape match; a cell projection whose input width grew keeps the
   * parent's rows for nodes that already existed (`parentDesc` says which). Returns how many parameters were
   * inherited and how many kept their fresh initialisation.
   */
  loadWeights(weights: NamedWeights, parentDesc: ModelDesc | null): InheritanceReport;
  dispose(): void;
}
