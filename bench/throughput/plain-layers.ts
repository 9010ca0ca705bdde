// A plain TF.js layers model of a model description (the baseline of the throughput figure): the same
// anatomy as src/ml (stems, pre-processing, sum/multi/candidate nodes, cell projection, GAP, linear head) written with
// stock tf.layers, trained with model.trainOnBatch and TF's own SGD with momentum.

import * as tf from '@tensorflow/tfjs';
import type { CellTemplate, ModelDesc, NodeDesc, PrimitiveName, Stride } from '../../src/core/space/model-desc.ts';
import { cellPlans, stemPlan, type CellPlan } from '../../src/core/space/shapes.ts';

type T = tf.SymbolicTensor;
const L = tf.layers;

function apply(layer: tf.layers.Layer, x: T | T[]): T {
  return layer.apply(x) as T;
}

/**
 * Batch norm; `affine` false (the candidate's branches, as in src/ml) freezes scale 1 and offset 0 instead of
 * dropping them: tf.layers' batch norm without them fails in training (it reads the absent gamma).
 */
const bn = (x: T, affine = true): T =>
  apply(L.batchNormalization({ axis: 3, momentum: 0.9, epsilon: 1e-5, trainable: affine }), x);
const relu = (x: T): T => apply(L.reLU(), x);
const conv1x1 = (x: T, c: number, stride = 1): T =>
  apply(L.conv2d({ filters: c, kernelSize: 1, strides: stride, padding: 'same', useBias: false }), x);

/** Depthwise k×k (dilated) → pointwise → BN. TF refuses stride 2 with dilation 2, so that case subsamples after. */
function dwPwBn(x: T, c: number, k: number, stride: Stride, dilation: number, affine: boolean): T {
  const both = stride > 1 && dilation > 1;
  let y = apply(L.depthwiseConv2d({ kernelSize: k, strides: both ? 1 : stride, dilationRate: dilation, padding: 'same', useBias: false }), relu(x));
  if (both) y = apply(L.maxPooling2d({ poolSize: 1, strides: stride, padding: 'same' }), y);
  return bn(conv1x1(y, c), affine);
}

/** ReLU → two stride-2 1×1 convs, the second on the input shifted by one pixel → concat → BN. */
function factorizedReduce(x: T, cOut: number, affine = true): T {
  const r = relu(x);
  const a = conv1x1(r, Math.floor(cOut / 2), 2);
  const shifted = apply(L.zeroPadding2d({ padding: [[0, 1], [0, 1]] }), apply(L.cropping2D({ cropping: [[1, 0], [1, 0]] }), r));
  const b = conv1x1(shifted, cOut - Math.floor(cOut / 2), 2);
  return bn(apply(L.concatenate({ axis: 3 }), [a, b]), affine);
}

function primitive(x: T, op: PrimitiveName, c: number, stride: Stride, affine = true): T {
  switch (op) {
    case 'max_pool_3x3': return apply(L.maxPooling2d({ poolSize: 3, strides: stride, padding: 'same' }), x);
    case 'avg_pool_3x3': return apply(L.averagePooling2d({ poolSize: 3, strides: stride, padding: 'same' }), x);
    case 'skip_connect': return stride === 1 ? x : factorizedReduce(x, c, affine);
    case 'sep_conv_3x3': return dwPwBn(dwPwBn(x, c, 3, stride, 1, affine), c, 3, 1, 1, affine);
    case 'sep_conv_5x5': return dwPwBn(dwPwBn(x, c, 5, stride, 1, affine), c, 5, 1, 1, affine);
    case 'dil_conv_3x3': return dwPwBn(x, c, 3, stride, 2, affine);
    case 'dil_conv_5x5': return dwPwBn(x, c, 5, stride, 2, affine);
    default: throw new Error(`plain layers baseline: primitive ${op} is not supported (reference architectures use the canonical space)`);
  }
}

const sum = (xs: T[]): T => (xs.length === 1 ? (xs[0] as T) : apply(L.add(), xs));

function node(states: T[], n: NodeDesc, c: number, where: string): T {
  const at = (i: number): T => {
    const s = states[i];
    if (!s) throw new Error(`${where}: input state ${i} does not exist`);
    return s;
  };
  if (n.kind === 'sum') return n.edges.length === 0 ? at(states.length - 1) : sum(n.edges.map((e) => primitive(at(e.input), e.op, c, e.stride)));
  if (n.kind === 'multi') {
    const outs = n.choices.map((ch) => primitive(at(ch.input), ch.op, c, ch.stride));
    return bn(conv1x1(outs.length === 1 ? (outs[0] as T) : apply(L.concatenate({ axis: 3 }), outs), c));
  }
  // The search phase's candidate: every (input, primitive) branch with non-affine batch norm, summed. tf.layers
  // has no layer for the α weights or the stop-gradient/stop-forward gates, so the baseline leaves them out
  // (it dispatches slightly fewer kernels than the real candidate would).
  const branches = n.inputs.flatMap((input, j) => n.primitives.filter((op) => op !== 'none')
    .map((op) => primitive(at(input), op, c, n.strides[j] ?? 1, false)));
  if (branches.length === 0) throw new Error(`${where}: a candidate with only 'none' has no plain-layers equivalent`);
  return sum(branches);
}

function cell(plan: CellPlan, x0: T, x1: T): T {
  const c = plan.channels;
  const s0 = plan.pre0.factorized ? factorizedReduce(x0, c) : bn(conv1x1(relu(x0), c));
  const s1 = bn(conv1x1(relu(x1), c));
  const states = [s0, s1];
  const template: CellTemplate = plan.template;
  template.nodes.forEach((n) => states.push(node(states, n, c, `cell${plan.index}/${n.id}`)));
  const outs = states.slice(2);
  return bn(conv1x1(outs.length === 1 ? (outs[0] as T) : apply(L.concatenate({ axis: 3 }), outs), c));
}

/** The description as a compiled tf.LayersModel (softmax cross-entropy from logits, SGD momentum 0.9). */
export function buildPlainModel(desc: ModelDesc, lr = 0.025): tf.LayersModel {
  const input = tf.input({ shape: [desc.input.height, desc.input.width, desc.input.channels] });
  const stem = stemPlan(desc);
  const makeStem = (): T => bn(apply(L.conv2d({ filters: stem.channels, kernelSize: 3, strides: stem.stride, padding: 'same', useBias: false }), input));
  let x0 = makeStem();
  let x1 = makeStem();
  for (const plan of cellPlans(desc)) [x0, x1] = [x1, cell(plan, x0, x1)];
  const logits = apply(L.dense({ units: desc.numClasses }), apply(L.globalAveragePooling2d({}), x1));
  const model = tf.model({ inputs: input, outputs: logits });
  model.compile({ optimizer: tf.train.momentum(lr, 0.9), loss: (y, p) => tf.losses.softmaxCrossEntropy(y, p) });
  return model;
}

/**
 * Frees a model of buildPlainModel: model.dispose() leaves the optimiser (not owned by the model: its momentum
 * accumulators), and tfjs-core 4.22's MomentumOptimizer.dispose() leaves its SGD base's learning-rate scalar
 * `c` (it does not call super.dispose()), so that one is freed here too.
 */
export function disposePlainModel(model: tf.LayersModel): void {
  const optimizer = model.optimizer as tf.Optimizer & { c?: tf.Tensor };
  const rate = optimizer.c;
  optimizer.dispose();
  if (rate && !rate.isDisposed) rate.dispose();
  model.dispose();
}
