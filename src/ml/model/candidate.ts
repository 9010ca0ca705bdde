// The Petridish candidate node of the search phase: Σ_j Σ_p α[j][p]·prim_p(sg(x_j)), then stop-forward.

import * as tf from '@tensorflow/tfjs';
import type { CellTemplate, NodeDesc } from '../../core/space/model-desc.ts';
import { inputLabel } from '../../core/space/shapes.ts';
import type { Layer, Mode } from '../ops/layer.ts';
import { buildPrimitive, zeroOutput } from '../ops/primitives.ts';
import { stopForward, stopGradient } from '../ops/stop-grad.ts';
import { sumAll } from '../ops/sum.ts';
import type { VarStore } from '../weights/var-store.ts';

export type NodeLayer = (states: tf.Tensor4D[], mode: Mode) => tf.Tensor4D;
type CandidateNode = Extract<NodeDesc, { kind: 'candidate' }>;

function stateAt(states: tf.Tensor4D[], id: number, where: string): tf.Tensor4D {
  const s = states[id];
  if (!s) throw new Error(`${where}: input state ${id} does not exist (${states.length} states so far)`);
  return s;
}

/**
 * `alpha` is the cell type's shared [nInputs, nPrimitives] variable. Branch BN is non-affine, as in
 * Archai's search phase. Only `none` is skipped: its product with α is zero anyway.
 */
export function buildCandidate(
  store: VarStore, prefix: string, template: CellTemplate, node: CandidateNode, c: number, alpha: tf.Variable,
): NodeLayer {
  const where = `${prefix}/${node.id}`;
  if (node.strides.length !== node.inputs.length) {
    throw new Error(`${where}: ${node.inputs.length} inputs but ${node.strides.length} strides`);
  }
  if (alpha.shape[0] !== node.inputs.length || alpha.shape[1] !== node.primitives.length) {
    throw new Error(`${where}: α has shape [${alpha.shape.join(', ')}], expected [${node.inputs.length}, ${node.primitives.length}]`);
  }
  const branches = node.inputs.map((stateId, j) => {
    const stride = node.strides[j] ?? 1;
    const label = inputLabel(template, stateId);
    return node.primitives.map((op) =>
      op === 'none' ? null : buildPrimitive(store, `${where}/in_${label}/${op}`, op, c, stride, false),
    );
  });
  return (states, mode) => {
    const first = stateAt(states, node.inputs[0] ?? -1, where);
    // Its value is exactly zero, so inference skips the branches; training needs them for their gradients.
    if (!mode.training) return zeroOutput(first, node.strides[0] ?? 1);
    const rows = tf.unstack(alpha);
    const terms: tf.Tensor4D[] = [];
    node.inputs.forEach((stateId, j) => {
      const x = stopGradient(stateAt(states, stateId, where));
      const weights = tf.unstack(rows[j] as tf.Tensor1D);
      (branches[j] ?? []).forEach((branch: Layer | null, p) => {
        if (branch) terms.push(branch(x, mode).mul(weights[p] as tf.Scalar));
      });
    });
    const sum = terms.length > 0 ? sumAll(terms) : tf.mul(zeroOutput(first, node.strides[0] ?? 1), alpha.sum());
    return stopForward(sum as tf.Tensor4D);
  };
}
