// One cell: pre-processing of its two inputs, its nodes (sum, candidate, multi) and the output projection.

import * as tf from '@tensorflow/tfjs';
import type { CellPlan } from '../../core/space/shapes.ts';
import { inputLabel } from '../../core/space/shapes.ts';
import type { NodeDesc } from '../../core/space/model-desc.ts';
import { buildCandidate, type NodeLayer } from './candidate.ts';
import { batchNormLayer } from '../ops/batch-norm.ts';
import { dropPath, dropsPath, withDropPath } from '../ops/drop-path.ts';
import { reluConvBn } from '../ops/conv-blocks.ts';
import { factorizedReduce } from '../ops/factorized-reduce.ts';
import type { Mode } from '../ops/layer.ts';
import { buildPrimitive } from '../ops/primitives.ts';
import { sumAll } from '../ops/sum.ts';
import type { VarStore } from '../weights/var-store.ts';

export type CellLayer = (x0: tf.Tensor4D, x1: tf.Tensor4D, mode: Mode) => tf.Tensor4D;

function input(states: tf.Tensor4D[], id: number, where: string): tf.Tensor4D {
  const s = states[id];
  if (!s) throw new Error(`${where}: input state ${id} does not exist (${states.length} states so far)`);
  return s;
}

function buildNode(store: VarStore, plan: CellPlan, node: NodeDesc, alpha: tf.Variable | null): NodeLayer {
  const prefix = `cell${plan.index}`;
  const where = `${prefix}/${node.id}`;
  const c = plan.channels;
  if (node.kind === 'candidate') {
    if (!alpha) throw new Error(`${where}: a candidate node needs the cell type's α`);
    return buildCandidate(store, prefix, plan.template, node, c, alpha);
  }
  if (node.kind === 'sum') {
    const edges = node.edges.map((e, j) => {
      const layer = buildPrimitive(store, `${where}/e${j}/${e.op}`, e.op, c, e.stride, true);
      return { input: e.input, layer: dropsPath(e.op) ? withDropPath(layer) : layer };
    });
    return (states, mode) => {
      // Archai's degenerate edgeless node passes the last state through.
      if (edges.length === 0) return input(states, states.length - 1, where);
      const outs = edges.map((e) => e.layer(input(states, e.input, where), mode));
      return sumAll(outs);
    };
  }
  const branches = node.choices.map((ch) => ({
    input: ch.input,
    layer: buildPrimitive(store, `${where}/in_${inputLabel(plan.template, ch.input)}/${ch.op}`, ch.op, c, ch.stride, true),
  }));
  const proj = store.conv(`${where}/proj/conv`, [1, 1, branches.length * c, c]);
  const bn = batchNormLayer(store, `${where}/proj/bn`, c, true);
  // A finalised node is one multi-input edge in Archai (`multi_op`), so drop path covers its whole output.
  return (states, mode) => {
    const outs = branches.map((b) => b.layer(input(states, b.input, where), mode));
    return dropPath(bn(tf.conv2d(tf.concat(outs, 3), proj as tf.Tensor4D, 1, 'same'), mode), mode);
  };
}

/** Rows [i·C, (i+1)·C) of the projection filter for each listed node position, concatenated. */
function rowsOf(w: tf.Variable, positions: number[], c: number): tf.Tensor4D {
  const cOut = w.shape[3] ?? c;
  return tf.concat(positions.map((i) => w.slice([0, 0, i * c, 0], [1, 1, c, cOut])), 2) as tf.Tensor4D;
}

/**
 * The projection's candidate rows start random (He-normal like the rest): they carry the gradient to the
 * candidate, and cannot change the forward because its value is exactly zero. The candidate's term is a
 * separate conv added after the others', so the other nodes go through the very same conv (same shapes, same
 * summation order) as in the parent, and the child's logits equal the parent's bit for bit.
 */
function buildProjection(store: VarStore, plan: CellPlan): (outs: tf.Tensor4D[], mode: Mode) => tf.Tensor4D {
  const c = plan.channels;
  const nodes = plan.template.nodes;
  const w = store.conv(`cell${plan.index}/proj/conv`, [1, 1, nodes.length * c, c]);
  const bn = batchNormLayer(store, `cell${plan.index}/proj/bn`, c, true);
  const regular = nodes.flatMap((n, i) => (n.kind === 'candidate' ? [] : [i]));
  const candidates = nodes.flatMap((n, i) => (n.kind === 'candidate' ? [i] : []));
  return (outs, mode) => {
    const pick = (ids: number[]) => tf.concat(ids.map((i) => outs[i] as tf.Tensor4D), 3);
    const wRegular = candidates.length === 0 ? (w as tf.Tensor4D) : rowsOf(w, regular, c);
    let y = tf.conv2d(pick(regular), wRegular, 1, 'same');
    if (mode.training && candidates.length > 0) {
      y = y.add(tf.conv2d(pick(candidates), rowsOf(w, candidates, c), 1, 'same'));
    }
    return bn(y, mode);
  };
}

export function buildCell(store: VarStore, plan: CellPlan, alpha: tf.Variable | null): CellLayer {
  const p = `cell${plan.index}`;
  const c = plan.channels;
  const nodes = plan.template.nodes;
  if (nodes.length === 0) throw new Error(`${p}: a cell needs at least one node`);
  if (nodes.every((n) => n.kind === 'candidate')) throw new Error(`${p}: a cell needs a node that is not a candidate`);
  const pre0 = plan.pre0.factorized
    ? factorizedReduce(store, `${p}/pre0`, plan.pre0.inChannels, c, true)
    : reluConvBn(store, `${p}/pre0`, plan.pre0.inChannels, c, 1, 1, true);
  const pre1 = reluConvBn(store, `${p}/pre1`, plan.pre1.inChannels, c, 1, 1, true);
  const layers = nodes.map((n) => buildNode(store, plan, n, alpha));
  const project = buildProjection(store, plan);
  return (x0, x1, mode) => {
    const states = [pre0(x0, mode), pre1(x1, mode)];
    for (const layer of layers) states.push(layer(states, mode));
    return project(states.slice(2), mode);
  };
}
