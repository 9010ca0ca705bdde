// A final training as the worker runs it: the evaluation-width model with drop path and the auxiliary tower
// trains on the whole training split, is tested on the test split, keeps its weights without the tower, frees
// every tensor, and a resume from its epoch checkpoint ends exactly where the uninterrupted run does.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { finalDesc, finalSpecWith } from '../../../src/core/final/final-spec.ts';
import { finalJobOf, type FinalTraining } from '../../../src/core/final/final-types.ts';
import { makePreset } from '../../../src/core/presets.ts';
import { createRng } from '../../../src/core/rng.ts';
import { buildSeedDesc } from '../../../src/core/space/seeds.ts';
import type { Dataset } from '../../../src/data/dataset.ts';
import { AUX_PREFIX } from '../../../src/ml/model/aux-tower.ts';
import { finalData, runFinalJob } from '../../../src/ml/train/final-job.ts';
import { buildNetwork } from '../../../src/ml/model/network.ts';
import type { TrainCheckpoint } from '../../../src/ml/train/train.ts';
import { runJob } from '../../../src/ml/train/run-job.ts';
import { maxAbsDiff } from '../fixtures.ts';
import { syntheticSplit } from '../model/tiny-network.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const preset = makePreset('tiny', { seed: 3, postTrain: { batchSize: 8, maxBatchesPerEpoch: 2, maxValExamples: 6 } });
const dataset: Dataset = { id: 'synthetic', name: 'synthetic', source: 'upload', shape: { height: 8, width: 8, channels: 1 },
  numClasses: 3, classNames: ['a', 'b', 'c'], train: syntheticSplit(40, 8, 8, 1, 3, 4), test: syntheticSplit(15, 8, 8, 1, 3, 5) };
// Five cells with two reductions: the tower sits on cell 3.
const pointDesc = buildSeedDesc({ space: 'canonical', input: dataset.shape, numClasses: 3, initNodeChannels: 2, stemMultiplier: 1,
  stemStride: 1, macro: { cells: 5, reductions: 2, nodes: 1 }, rng: createRng(4) });
const spec = finalSpecWith(preset, { epochs: 2, initNodeChannels: 4 });
const training: FinalTraining = { id: 'r1-f0001', pointId: 'r1-p0001', spec, desc: finalDesc(pointDesc, spec), macro: { cells: 5, reductions: 2, nodes: 1 },
  status: 'running', attempt: 1, batchSizeScale: 1, error: null, createdAt: 0, result: null };
const job = finalJobOf(training);

describe('final training job', () => {
  it('trains on every training example and tests on the test split, or on the part held out of training', () => {
    const d = finalData(dataset, preset);
    expect(d.train.trainIdx.length).toBe(40);
    expect(d.train.valIdx.length).toBe(0);
    expect(d.test.split).toBe(dataset.test);
    expect(d.test.valIdx.length).toBe(15);
    expect(d.testSource).toBe('test');
    const own = finalData({ ...dataset, test: null }, preset);
    expect(own.testSource).toBe('held-out');
    expect(own.test.split).toBe(dataset.train);
    expect(own.test.valIdx.length).toBeGreaterThan(0);
    expect(own.train.trainIdx.length + own.test.valIdx.length).toBe(40);
    const trainSet = new Set(own.train.trainIdx);
    expect(Array.from(own.test.valIdx).some((i) => trainSet.has(i))).toBe(false);
  });

  it('runs with drop path and the tower, keeps weights without the tower, frees every tensor, and resumes exactly', async () => {
    expect(spec.auxWeight).toBeGreaterThan(0);
    const before = tf.memory().numTensors;
    const checkpoints: TrainCheckpoint[] = [];
    const full = await runFinalJob({ job, preset, dataset, initWeights: null, parentDesc: null, onCheckpoint: (c) => { checkpoints.push(c); } });
    expect(tf.memory().numTensors).toBe(before);
    expect(full.result.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(full.test.testCount).toBe(15);
    expect(full.test.testAcc).toBeGreaterThanOrEqual(0);
    expect(full.test.testAcc).toBeLessThanOrEqual(1);
    expect(full.result.desc).toEqual(training.desc);
    // The checkpoint carries the tower (it trains on after a resume); the kept weights do not.
    expect(checkpoints[0]?.weights.specs.some((s) => s.path.startsWith(AUX_PREFIX))).toBe(true);
    expect(full.weights.specs.some((s) => s.path.startsWith(AUX_PREFIX))).toBe(false);
    const plain = buildNetwork(training.desc, { seed: 1 });
    expect(plain.loadWeights(full.weights, null).fresh).toBe(0);
    plain.dispose();

    const resumed = await runFinalJob({ job, preset, dataset, initWeights: null, parentDesc: null, resume: checkpoints[0] });
    expect(tf.memory().numTensors).toBe(before);
    expect(maxAbsDiff(resumed.weights.data, full.weights.data)).toBe(0);
    expect(resumed.test).toEqual(full.test);
  });

  it('is refused by the search jobs\' runner, and refuses starting weights', async () => {
    await expect(runJob({ job, preset, dataset, initWeights: null, parentDesc: null })).rejects.toThrow(/runs through runFinalJob/);
    await expect(runFinalJob({ job, preset, dataset, initWeights: { specs: [], data: new Float32Array(0) }, parentDesc: null }))
      .rejects.toThrow(/fresh weights/);
  });
});
