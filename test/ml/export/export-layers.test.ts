// The layers-model export: for seeds, grown children, ecv2022 and odd sizes, a standard tf.LayersModel with the
// trained weights gives the network's inference logits, and its artifacts load with tf.loadLayersModel alone.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { countCost } from '../../../src/core/cost/cost.ts';
import { cellPlans } from '../../../src/core/space/shapes.ts';
import { createRng } from '../../../src/core/rng.ts';
import { normalizeImages } from '../../../src/data/normalize.ts';
import { buildLayersModel, exportLayersArtifacts } from '../../../src/ml/export/layers.ts';
import { buildNetwork } from '../../../src/ml/model/network.ts';
import { useBackend } from '../backends.ts';
import { CASES, reference } from './export-cases.ts';
import { growthChain, maxAbsDiff, randomBatch, seedDesc } from '../fixtures.ts';

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
