// A pool point as a model: the app's predictions (normalised test images through our network) equal the
// exported layers model's on raw pixels, and the normalisation is the one the point's phase trained with.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makePreset } from '../../../src/core/presets.ts';
import { createRng } from '../../../src/core/rng.ts';
import type { Dataset, DatasetSplit } from '../../../src/data/dataset.ts';
import { buildNetwork } from '../../../src/ml/model/network.ts';
import { checkExamples, exportPointModel, pointStats, predictTestImages, testPixels } from '../../../src/ml/model/point-model.ts';
import { preparePhaseData, runTestSet } from '../../../src/ml/train/run-job.ts';
import { useBackend } from '../backends.ts';
import { maxAbsDiff, perturbed, seedDesc } from '../fixtures.ts';

function split(count: number, seed: number): DatasetSplit {
  const rng = createRng(seed);
  return {
    images: Uint8Array.from({ length: count * 64 }, () => Math.floor(rng.next() * 256)),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 3),
    count,
  };
}

const dataset: Dataset = {
  id: 'toy', name: 'toy', source: 'upload', shape: { height: 8, width: 8, channels: 1 }, numClasses: 3,
  classNames: ['a', 'b', 'c'], train: split(60, 1), test: split(12, 2),
};

describe('point model (cpu)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('reproduces the training statistics of the point’s phase', () => {
    const preset = makePreset('tiny', { examplesPerClass: null });
    expect(pointStats(dataset, preset, 'seed_trained')).toEqual(preparePhaseData(dataset, preset.seedTrain, preset).stats);
    expect(pointStats(dataset, preset, 'search_trained')).toEqual(preparePhaseData(dataset, preset.postTrain, preset).stats);
  });

  it('predicts like the exported model on raw pixels, and checks indices', async () => {
    const desc = seedDesc('canonical');
    const net = buildNetwork(desc, { seed: 4 });
    const weights = perturbed(net.getWeights(), 5);
    net.dispose();
    const before = tf.memory().numTensors;
    const stats = { mean: [0.45], std: [0.3] };
    const indices = [0, 5, 11];
    const app = await predictTestImages(desc, weights, dataset, stats, indices);
    expect(app.labels).toEqual([0, 2, 2]);
    const { modelJson, weightsBin } = await exportPointModel(desc, weights, stats);
    const json = JSON.parse(modelJson) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]?.weights ?? [], weightData: weightsBin }));
    const x = tf.tensor4d(Float32Array.from(testPixels(dataset, indices)), [3, 8, 8, 1]);
    const y = model.predict(x) as tf.Tensor;
    expect(maxAbsDiff(await y.data(), app.probabilities.flat())).toBeLessThan(1e-5);
    tf.dispose([x, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => testPixels(dataset, [12])).toThrow(/test image index 12 is out of range \[0, 12\)/);
  });

  it('quick-checks the examples a run held out for testing when the dataset has no test split', async () => {
    // An uploaded CSV brings a training split only; the run tests on a held-out part of it.
    const noTest: Dataset = { ...dataset, id: 'csv', test: null };
    const preset = makePreset('tiny', { examplesPerClass: null, testExamples: null });
    const held = Array.from(runTestSet(noTest, preset).indices);
    const check = checkExamples(noTest, preset, 4);
    expect(check.source).toBe('held-out');
    expect(check.split).toBe(noTest.train);
    expect(check.indices).toHaveLength(4);
    for (const i of check.indices) expect(held).toContain(i);
    // With a test split, the check is spread over the run's test set in that split.
    const own = checkExamples(dataset, preset, 4);
    expect(own.source).toBe('test');
    expect(own.split).toBe(dataset.test);

    const desc = seedDesc('canonical');
    const net = buildNetwork(desc, { seed: 4 });
    const weights = net.getWeights();
    net.dispose();
    const before = tf.memory().numTensors;
    const out = await predictTestImages(desc, weights, noTest, { mean: [0.5], std: [0.3] }, check.indices, check.split);
    expect(out.labels).toEqual(check.indices.map((i) => noTest.train.labels[i]));
    expect(out.probabilities).toHaveLength(4);
    expect(Array.from(testPixels(noTest, check.indices, check.split).subarray(0, 64))).toEqual(Array.from(noTest.train.images.subarray(check.indices[0]! * 64, check.indices[0]! * 64 + 64)));
    expect(tf.memory().numTensors).toBe(before);
  });
});
