// Rebuilds a finished architecture from standard tf.layers with the trained weights copied in by path, so
// that a user loads it with tf.loadLayersModel and no custom code; the forward mirrors src/ml/model/network.ts in
// inference mode.

import * as tf from '@tensorflow/tfjs';
import type { ModelDesc, NodeDesc } from '../../core/space/model-desc.ts';
import { cellPlans, downsampleOf, inputLabel, stemPlan, type CellPlan } from '../../core/space/shapes.ts';
import type { NamedWeights } from '../../core/weights.ts';
import type { ChannelStats } from '../../data/normalize.ts';
import {
  ExportContext, batchNorm, concat, conv, factorizedReduce, layerName, primitive, reluConvBn, zeros,
} from './blocks.ts';

type Sym = tf.SymbolicTensor;

export interface LayersExportOptions {
  /** Bakes (x/255 − mean)/std in as a first layer, so the model takes raw 0–255 pixels. */
  normalization?: ChannelStats;
  /** Ends with softmax (probabilities) instead of logits. */
  softmax?: boolean;
}

export interface LayersArtifacts {
  /** The model.json text (topology plus a weights manifest naming `weights.bin`). */
  modelJson: string;
  weightsBin: ArrayBuffer;
}

export const WEIGHTS_FILE_NAME = 'weights.bin';
/** Mirrors normalizeImages: a constant channel is only centred. */
const MIN_STD = 1e-6;

function checkExportable(desc: ModelDesc): void {
  for (const kind of ['normal', 'reduction'] as const) {
    desc.cells[kind].nodes.forEach((n, i) => {
      if (n.kind === 'candidate') {
        throw new Error(`exportLayers: cells.${kind}.nodes[${i}] (${n.id}) is a candidate; only finished models (sum and multi nodes) can be exported`);
      }
    });
  }
}

function state(states: Sym[], id: number, where: string): Sym {
  const s = states[id];
  if (!s) throw new Error(`exportLayers: ${where} reads state ${id}, but only ${states.length} states exist`);
  return s;
}

function buildNode(ctx: ExportContext, plan: CellPlan, node: Exclude<NodeDesc, { kind: 'candidate' }>, states: Sym[]): Sym {
  const where = `cell${plan.index}/${node.id}`;
  if (node.kind === 'sum') {
    // Archai's degenerate edgeless node passes the last state through.
    if (node.edges.length === 0) return state(states, states.length - 1, where);
    const live = node.edges.flatMap((e, j) => (e.op === 'none' ? [] : [{ e, j }]));
    if (live.length === 0) {
      const e = node.edges[0];
      if (!e) throw new Error(`exportLayers: ${where} has no edges`);
      return zeros(ctx, state(states, e.input, where), `${where}/e0/none`, e.stride);
    }
    const terms = live.map(({ e, j }) => primitive(ctx, state(states, e.input, where), `${where}/e${j}/${e.op}`, e.op, e.stride));
    if (terms.length === 1 && terms[0]) return terms[0];
    return ctx.apply(tf.layers.add(layerName(where, 'sum')), terms);
  }
  const outs = node.choices.map((ch) => primitive(
    ctx, state(states, ch.input, where), `${where}/in_${inputLabel(plan.template, ch.input)}/${ch.op}`, ch.op, ch.stride,
  ));
  const projected = conv(ctx, concat(ctx, outs, where), `${where}/proj/conv`, 1, plan.channels, 1);
  return batchNorm(ctx, projected, `${where}/proj/bn`);
}

function buildCell(ctx: ExportContext, plan: CellPlan, x0: Sym, x1: Sym): Sym {
  const p = `cell${plan.index}`;
  const c = plan.channels;
  const s0 = plan.pre0.factorized ? factorizedReduce(ctx, x0, `${p}/pre0`, c) : reluConvBn(ctx, x0, `${p}/pre0`, c);
  const states = [s0, reluConvBn(ctx, x1, `${p}/pre1`, c)];
  if (plan.template.nodes.length === 0) throw new Error(`exportLayers: ${p} has no nodes`);
  for (const node of plan.template.nodes) {
    if (node.kind === 'candidate') throw new Error(`exportLayers: ${p}/${node.id} is a candidate`);
    states.push(buildNode(ctx, plan, node, states));
  }
  const projected = conv(ctx, concat(ctx, states.slice(2), p), `${p}/proj/conv`, 1, c, 1);
  return batchNorm(ctx, projected, `${p}/proj/bn`);
}

/** A fixed (non-trainable) 1×1 depthwise conv computing x·scale − shift per channel, as normalizeImages does. */
function normalizeLayer(ctx: ExportContext, x: Sym, stats: ChannelStats, channels: number): Sym {
  if (stats.mean.length !== channels || stats.std.length !== channels) {
    throw new Error(`exportLayers: normalization has ${stats.mean.length} means and ${stats.std.length} stds, expected ${channels}`);
  }
  const scale = Float32Array.from(stats.std, (s) => (s < MIN_STD ? 1 : 1 / s) / 255);
  const shift = Float32Array.from(stats.mean, (m, ch) => -m * 255 * (scale[ch] ?? 0));
  const layer = tf.layers.depthwiseConv2d({ name: 'normalize', kernelSize: 1, padding: 'valid', useBias: true, trainable: false });
  return ctx.apply(layer, x, [{ data: scale, shape: [1, 1, channels, 1] }, { data: shift, shape: [channels] }]);
}

function buildGraph(ctx: ExportContext, desc: ModelDesc, opts: LayersExportOptions): { input: Sym; output: Sym } {
  const { height, width, channels } = desc.input;
  const input = tf.input({ shape: [height, width, channels], name: opts.normalization ? 'pixels' : 'input' });
  const normalized = opts.normalization ? normalizeLayer(ctx, input, opts.normalization, channels) : input;
  // The description's input downsampling (area averaging of f×f blocks), as in src/ml/model/network.ts.
  const f = downsampleOf(desc);
  const x = f > 1 ? ctx.apply(tf.layers.averagePooling2d({ name: 'downsample', poolSize: f, strides: f, padding: 'valid' }), normalized) : normalized;
  const stem = stemPlan(desc);
  const stemOut = (name: string): Sym => batchNorm(ctx, conv(ctx, x, `${name}/conv`, 3, stem.channels, stem.stride), `${name}/bn`);
  let s0 = stemOut('stem0');
  let s1 = stemOut('stem1');
  for (const plan of cellPlans(desc)) [s0, s1] = [s1, buildCell(ctx, plan, s0, s1)];
  const pooled = ctx.apply(tf.layers.globalAveragePooling2d({ name: 'head.pool' }), s1);
  const cIn = s1.shape[3] ?? 0;
  const head = tf.layers.dense({ name: 'head', units: desc.numClasses, useBias: true, activation: opts.softmax ? 'softmax' : 'linear' });
  const output = ctx.apply(head, pooled, [
    { data: ctx.values('head/w', [cIn, desc.numClasses]), shape: [cIn, desc.numClasses] },
    { data: ctx.values('head/b', [desc.numClasses]), shape: [desc.numClasses] },
  ]);
  return { input, output };
}

/** The finished model `desc` with `weights`, as a tf.LayersModel (the caller disposes it). */
export function buildLayersModel(desc: ModelDesc, weights: NamedWeights, opts: LayersExportOptions = {}): tf.LayersModel {
  checkExportable(desc);
  const ctx = new ExportContext(weights);
  let model: tf.LayersModel | null = null;
  try {
    const { input, output } = buildGraph(ctx, desc, opts);
    model = tf.model({ inputs: input, outputs: output, name: 'petridish' });
    ctx.assignAll();
    return model;
  } catch (e) {
    if (model) model.dispose();
    else ctx.disposeAll();
    throw e;
  }
}

function joinWeightData(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (!data) return new ArrayBuffer(0);
  return Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
}

/** model.json and its weights file, as tf.loadLayersModel reads them. */
export async function exportLayersArtifacts(
  desc: ModelDesc, weights: NamedWeights, opts: LayersExportOptions = {},
): Promise<LayersArtifacts> {
  const model = buildLayersModel(desc, weights, opts);
  try {
    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const a = saved as tf.io.ModelArtifacts | null;
    if (!a || !a.weightSpecs) throw new Error('exportLayers: the model was not saved');
    const modelJson = JSON.stringify({
      format: 'layers-model',
      generatedBy: a.generatedBy,
      convertedBy: null,
      modelTopology: a.modelTopology,
      weightsManifest: [{ paths: [WEIGHTS_FILE_NAME], weights: a.weightSpecs }],
    });
    return { modelJson, weightsBin: joinWeightData(a.weightData) };
  } finally {
    model.dispose();
  }
}
