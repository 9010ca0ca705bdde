// The auxiliary tower of the final training (DARTS / Archai `AuxTower`): a second classifier on an
// intermediate cell whose loss helps the lower cells train. Training only: it is never evaluated, exported or
// counted in the model's parameters (tensorwatch counts only modules that ran in an eval pass, spec §6).

import * as tf from '@tensorflow/tfjs';
import type { ModelDesc } from '../../core/space/model-desc.ts';
import { cellPlans, type CellPlan } from '../../core/space/shapes.ts';
import type { NamedWeights } from '../../core/weights.ts';
import { weightValues } from '../../core/weights.ts';
import { batchNormLayer } from '../ops/batch-norm.ts';
import type { Mode } from '../ops/layer.ts';
import type { VarStore } from '../weights/var-store.ts';

/** Weight paths of the tower start with this. */
export const AUX_PREFIX = 'aux/';

/**
 * The cell whose output feeds the tower: ⌊2n/3⌋, and only with more than one reduction (Archai's
 * `ModelDescBuilder`: `aux_weight > 0 and n_reductions > 1`, spec §1.1). Null when the model gets no tower.
 */
export function auxTowerCell(desc: Pick<ModelDesc, 'nCells' | 'nReductions'>): number | null {
  if (desc.nReductions <= 1) return null;
  return Math.floor((2 * desc.nCells) / 3);
}

export type AuxTower = (x: tf.Tensor4D, mode: Mode) => tf.Tensor2D;

/**
 * ReLU → AvgPool 5×5 stride 3, no padding → conv 1×1 → 128 → BN → ReLU → conv 2×2 (no padding) → 768 → BN →
 * ReLU → linear → classes, on the output of cell `plan.index` ([N, H, W, C] → [N, classes] logits). Archai
 * assumes the 8×8 of CIFAR after two reductions (pool to 2×2, conv to 1×1); for other sizes the pool and conv
 * windows shrink to fit the map and the remaining positions are averaged, which is the same on 8×8.
 */
export function buildAuxTower(store: VarStore, plan: CellPlan, numClasses: number): AuxTower {
  const { height, width } = plan.outSize;
  const pool: [number, number] = [Math.min(5, height), Math.min(5, width)];
  const pooled = { height: Math.floor((height - pool[0]) / 3) + 1, width: Math.floor((width - pool[1]) / 3) + 1 };
  const k: [number, number] = [Math.min(2, pooled.height), Math.min(2, pooled.width)];
  const w1 = store.conv(`${AUX_PREFIX}conv1`, [1, 1, plan.channels, 128]);
  const bn1 = batchNormLayer(store, `${AUX_PREFIX}bn1`, 128, true);
  const w2 = store.conv(`${AUX_PREFIX}conv2`, [k[0], k[1], 128, 768]);
  const bn2 = batchNormLayer(store, `${AUX_PREFIX}bn2`, 768, true);
  const headW = store.normal(`${AUX_PREFIX}head/w`, [768, numClasses], Math.sqrt(1 / 768));
  const headB = store.zeros(`${AUX_PREFIX}head/b`, [numClasses]);
  return (x, mode) => {
    let y = tf.avgPool(tf.relu(x), pool, 3, 'valid');
    y = tf.relu(bn1(tf.conv2d(y, w1 as tf.Tensor4D, 1, 'valid'), mode));
    y = tf.relu(bn2(tf.conv2d(y, w2 as tf.Tensor4D, 1, 'valid'), mode));
    return tf.mean(y, [1, 2]).matMul(headW as tf.Tensor2D).add(headB) as tf.Tensor2D;
  };
}

/** The plan of the cell that feeds the tower, or null (see `auxTowerCell`). */
export function auxTowerPlan(desc: ModelDesc): CellPlan | null {
  const index = auxTowerCell(desc);
  return index === null ? null : (cellPlans(desc)[index] ?? null);
}

/** `weights` without the tower's tensors: what a final model keeps and exports. */
export function withoutAuxTower(weights: NamedWeights): NamedWeights {
  const kept = weights.specs.filter((s) => !s.path.startsWith(AUX_PREFIX));
  const size = kept.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  const data = new Float32Array(size);
  let offset = 0;
  const specs = kept.map((s) => {
    const values = weightValues(weights, s);
    data.set(values, offset);
    const spec = { path: s.path, shape: s.shape.slice(), offset };
    offset += values.length;
    return spec;
  });
  return { specs, data };
}
