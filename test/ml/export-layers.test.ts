// The layers-model export: for seeds, grown children, ecv2022 and odd sizes, a standard tf.LayersModel with the
// trained weights gives the network's inference logits, and its artifacts load with tf.loadLayersModel alone.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelDesc } from '../../src/core/model-desc.ts';
import { countCost } from '../../src/core/cost.ts';
import { STEM_STRIDE } from '../../src/core/primitives.ts';
import { cellPlans } from '../../src/core/shapes.ts';
import { createRng } from '../../src/core/rng.ts';
import { buildSeedDesc } from '../../src/core/seeds.ts';
import type { NamedWeights } from '../../src/core/weights.ts';
import { normalizeImages } from '../../src/data/normalize.ts';
import { buildLayersModel, exportLayersArtifacts } from '../../src/ml/export-layers.ts';
import { buildNetwork } from '../../src/ml/network.ts';
import { useBackend } from './backends.ts';
import { growthChain, maxAbsDiff, perturbed, randomBatch, seedDesc } from './fixtures.ts';

/**
 * Every primitive, strided and not (dil_conv at both strides), a 'none' edge, an all-'none' node, an edgeless
 * node, multi nodes, on an odd (9×9 → 5 → 3) or even (10×10 → 5 → 3) input.
 */
function everyOp(size: number): ModelDesc {
  return {
    version: 1, space: 'canonical', input: { height: size, width: size, channels: 2 }, numClasses: 4,
    initNodeChannels: 4, stemMultiplier: 2, stemStride: 1, nCells: 3, nReductions: 2,
    cells: {
      normal: { nodes: [
        { kind: 'sum', id: 'n0', edges: [{ input: 0, op: 'sep_conv_3x3', stride: 1 }, { input: 1, op: 'dil_conv_5x5', stride: 1 }] },
        { kind: 'sum', id: 'n1', edges: [{ input: 2, op: 'avg_pool_3x3', stride: 1 }, { input: 0, op: 'skip_connect', stride: 1 }, { input: 1, op: 'none', stride: 1 }] },
        { kind: 'multi', id: 'n2', choices: [
          { input: 1, op: 'max_pool_3x3', stride: 1, alpha: 0.3 },
          { input: 3, op: 'sep_conv_5x5', stride: 1, alpha: 0.2 },
          { input: 0, op: 'dil_conv_3x3', stride: 1, alpha: 0.1 },
        ] },
      ] },
      reduction: { nodes: [
        { kind: 'sum', id: 'n0', edges: [{ input: 0, op: 'avg_pool_3x3', stride: 2 }, { input: 1, op: 'skip_connect', stride: 2 }, { input: 0, op: 'dil_conv_5x5', stride: 2 }] },
        { kind: 'multi', id: 'n1', choices: [
          { input: 0, op: 'mbconv_r2', stride: 2, alpha: 0.5 },
          { input: 1, op: 'max_pool_3x3', stride: 2, alpha: 0.4 },
          { input: 2, op: 'dil_conv_3x3', stride: 1, alpha: 0.3 },
          { input: 1, op: 'dil_conv_3x3', stride: 2, alpha: 0.2 },
        ] },
        { kind: 'sum', id: 'n2', edges: [] },
        { kind: 'sum', id: 'n3', edges: [{ input: 4, op: 'none', stride: 1 }] },
        { kind: 'sum', id: 'n4', edges: [{ input: 1, op: 'sep_conv_3x3', stride: 2 }, { input: 0, op: 'dil_conv_5x5', stride: 2 }] },
      ] },
    },
  };
}

function mnistLike(): ModelDesc {
  return buildSeedDesc({
    space: 'canonical', input: { height: 28, width: 28, channels: 1 }, numClasses: 10, initNodeChannels: 4,
    stemMultiplier: 1, stemStride: STEM_STRIDE.canonical, macro: { cells: 3, reductions: 2, nodes: 2 }, rng: createRng(3),
  });
}

const CASES: [string, () => ModelDesc][] = [
  ['canonical seed', () => seedDesc('canonical')],
  ['canonical grown + finalised (multi nodes)', () => growthChain('canonical').final],
  ['ecv2022 seed', () => seedDesc('ecv2022', 3, 4, 2, 11)],
  ['ecv2022 grown + finalised (mbconv)', () => growthChain('ecv2022').final],
  ['28×28 with 2 reductions (odd 7×7 stage)', mnistLike],
  ['every primitive on 9×9 → 5 → 3', () => everyOp(9)],
  ['every primitive on 10×10 → 5 → 3', () => everyOp(10)],
  ['28×28 downsampled ×2 inside the model (14×14 cells)', () => ({ ...mnistLike(), downsample: 2 })],
  ['9×9 downsampled ×2 (a partial edge block dropped, 4×4)', () => ({ ...seedDesc('canonical'), input: { height: 9, width: 9, channels: 1 }, downsample: 2 })],
];

/** The network's inference logits for `x` with trained-looking weights, and those weights. */
async function reference(desc: ModelDesc, x: tf.Tensor4D, seed: number): Promise<{ logits: Float32Array; weights: NamedWeights }> {
  const net = buildNetwork(desc, { seed });
  try {
    const weights = perturbed(net.getWeights(), seed + 1);
    net.loadWeights(weights, desc);
    const { logits } = net.forward(x, false);
    const values = (await logits.data()) as Float32Array;
    logits.dispose();
    return { logits: values, weights };
  } finally {
    net.dispose();
  }
}

async function predictValues(model: tf.LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const y = model.predict(x) as tf.Tensor;
  const v = (await y.data()) as Float32Array;
  y.dispose();
  return v;
}

describe('exportLayers (cpu)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it.each(CASES)('%s: the layers model equals net.forward(x, false) and round-trips through loadLayersModel', async (_, make) => {
    const desc = make();
    const before = tf.memory().numTensors;
    const x = randomBatch(desc, 3, 5);
    const { logits, weights } = await reference(desc, x, 21);
    expect(Math.max(...logits.map(Math.abs)), 'the logits are non-trivial').toBeGreaterThan(0.05);

    const model = buildLayersModel(desc, weights);
    expect(maxAbsDiff(await predictValues(model, x), logits)).toBeLessThan(1e-4);
    model.dispose();

    const { modelJson, weightsBin } = await exportLayersArtifacts(desc, weights);
    const json = JSON.parse(modelJson) as { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
    const layerClasses = new Set(JSON.stringify(json.modelTopology).match(/"class_name":"[A-Za-z0-9]+"/g));
    for (const c of layerClasses) {
      expect(c).toMatch(/Conv2D|DepthwiseConv2D|SeparableConv2D|BatchNormalization|MaxPooling2D|AveragePooling2D|ZeroPadding2D|Cropping2D|Concatenate|Add|ReLU|GlobalAveragePooling2D|Dense|InputLayer|Model|Functional|VarianceScaling|Zeros|Ones|GlorotUniform/);
    }
    const loaded = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]?.weights ?? [], weightData: weightsBin,
    }));
    expect(maxAbsDiff(await predictValues(loaded, x), logits)).toBeLessThan(1e-4);
    loaded.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(CASES)('%s: the download has the point\'s parameters as trainable ones, plus only the documented fixed ones', async (_, make) => {
    const desc = make();
    const net = buildNetwork(desc, { seed: 5 });
    const weights = net.getWeights();
    net.dispose();
    const { channels } = desc.input;
    const stats = { mean: Array.from({ length: channels }, () => 0.5), std: Array.from({ length: channels }, () => 0.2) };
    const { modelJson, weightsBin } = await exportLayersArtifacts(desc, weights, { normalization: stats, softmax: true });
    const json = JSON.parse(modelJson) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    const model = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]?.weights ?? [], weightData: weightsBin,
    }));
    const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
    const trainable = model.trainableWeights.reduce((n, w) => n + size(w.shape as number[]), 0);
    // The documented fixed values: BN moving mean and variance, the baked-in normalisation (scale and shift
    // per input channel), and the zero filter of a node whose edges are all 'none'.
    const movingStats = weights.specs.filter((s) => /\/(mean|var)$/.test(s.path)).reduce((n, s) => n + size(s.shape), 0);
    const zeroFilters = cellPlans(desc).reduce((n, plan) => n + plan.channels * plan.template.nodes.filter(
      (node) => node.kind === 'sum' && node.edges.length > 0 && node.edges.every((e) => e.op === 'none'),
    ).length, 0);
    const { params } = countCost(desc);
    expect(trainable).toBe(params);
    expect(model.countParams()).toBe(params + movingStats + 2 * channels + zeroFilters);
    model.dispose();
  });

  it('bakes the normalisation and softmax in: raw pixels give the probabilities of the normalised input', async () => {
    const desc = seedDesc('canonical');
    const { height, width, channels } = desc.input;
    const rng = createRng(9);
    const pixels = Uint8Array.from({ length: 2 * height * width * channels }, () => Math.floor(rng.next() * 256));
    const stats = { mean: [0.4], std: [0.25] };
    const x = tf.tensor4d(normalizeImages(pixels, { height, width, channels }, [0, 1], stats), [2, height, width, channels]);
    const { logits, weights } = await reference(desc, x, 33);
    const probs = tf.tidy(() => tf.softmax(tf.tensor2d(logits, [2, desc.numClasses])).dataSync());
    const model = buildLayersModel(desc, weights, { normalization: stats, softmax: true });
    const raw = tf.tensor4d(Float32Array.from(pixels), [2, height, width, channels]);
    expect(maxAbsDiff(await predictValues(model, raw), probs)).toBeLessThan(1e-5);
    model.dispose();
    tf.dispose([x, raw]);
  });

  it('rejects a description with a candidate, and weights that do not fit, naming the problem', async () => {
    const { child, seed } = growthChain('canonical');
    const net = buildNetwork(seed, { seed: 1 });
    const weights = net.getWeights();
    net.dispose();
    expect(() => buildLayersModel(child, weights)).toThrow(/cells\.normal\.nodes\[\d+\] \(\w+\) is a candidate/);
    const before = tf.memory().numTensors;
    const missing = { specs: weights.specs.filter((s) => s.path !== 'head/b'), data: weights.data };
    expect(() => buildLayersModel(seed, missing)).toThrow(/weight "head\/b" is missing/);
    const wrongShape = { specs: weights.specs.map((s) => (s.path === 'head/w' ? { ...s, shape: [1, 1] } : s)), data: weights.data };
    expect(() => buildLayersModel(seed, wrongShape)).toThrow(/weight "head\/w" has shape \[1, 1\], expected/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
