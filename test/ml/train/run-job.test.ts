import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Job, JobKind } from '../../../src/core/search-types.ts';
import type { ModelDesc } from '../../../src/core/space/model-desc.ts';
import type { Dataset } from '../../../src/data/dataset.ts';
import { makePreset } from '../../../src/core/presets.ts';
import { buildSeedDesc } from '../../../src/core/space/seeds.ts';
import { createRng } from '../../../src/core/rng.ts';
import { macroOf } from '../../../src/core/space/grow.ts';
import { preparePhaseData, runJob } from '../../../src/ml/train/run-job.ts';
import { JobCancelledError } from '../../../src/ml/errors.ts';
import { evaluate } from '../../../src/ml/train/evaluate.ts';
import { syntheticSplit } from '../model/tiny-network.ts';
import { buildNetwork } from '../../../src/ml/model/network.ts';
import type { NamedWeights } from '../../../src/core/weights.ts';
import { cellPlans } from '../../../src/core/space/shapes.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const phase = { epochs: 1, batchSize: 8, maxBatchesPerEpoch: 2, maxValExamples: 8 };
const preset = makePreset('tiny', { seed: 5, initNodeChannels: 4, stemMultiplier: 1, topK: 2, examplesPerClass: 12,
  l1Alpha: 0.001, seedTrain: phase, search: phase, postTrain: phase });
const dataset: Dataset = { id: 'synthetic', name: 'synthetic', source: 'upload', shape: { height: 8, width: 8, channels: 1 },
  numClasses: 3, classNames: ['a', 'b', 'c'], train: syntheticSplit(60, 8, 8, 1, 3, 4), test: null };
const seedDesc = buildSeedDesc({ space: 'canonical', input: dataset.shape, numClasses: 3, initNodeChannels: 4,
  stemMultiplier: 1, stemStride: 1, macro: { cells: 3, reductions: 1, nodes: 1 }, rng: createRng(9) });

const job = (id: string, kind: JobKind, desc: ModelDesc): Job => ({ id, kind, status: 'running', desc, macro: macroOf(desc),
  parentPointId: null, initWeightsKey: null, attempt: 1, batchSizeScale: 1, error: null, createdAt: 0 });

/** Untrained weights of the seed, standing in for a parent's trained weights where their values do not matter. */
function parentWeights(): NamedWeights {
  const net = buildNetwork(seedDesc, { seed: 1 });
  try {
    return net.getWeights();
  } finally {
    net.dispose();
  }
}

/** The values stored under `path`. */
function tensorOf(w: NamedWeights, path: string): Float32Array {
  const spec = w.specs.find((s) => s.path === path);
  if (!spec) throw new Error(`no weights at ${path}`);
  return w.data.subarray(spec.offset, spec.offset + spec.shape.reduce((a, b) => a * b, 1));
}

describe('preparePhaseData', () => {
  it('subsets per class before a stratified, run-stable validation split', () => {
    const a = preparePhaseData(dataset, preset.seedTrain, preset);
    const b = preparePhaseData(dataset, preset.postTrain, preset);
    expect(a.trainIdx.length + a.valIdx.length).toBe(36);
    expect(Array.from(a.valIdx).map((i) => dataset.train.labels[i]).sort()).toEqual([0, 1, 2]);
    expect(Array.from(b.valIdx)).toEqual(Array.from(a.valIdx));
  });
});

describe('preparePhaseData with the dataset\'s own validation split', () => {
  // A valid/ folder: 4 examples of each class, kept apart from the 60 training examples.
  const valid = syntheticSplit(12, 8, 8, 1, 3, 6);
  const withValid: Dataset = { ...dataset, id: 'with-valid', valid };

  it('trains every phase on all of the run\'s examples and validates every phase on that split alone', () => {
    const seed = preparePhaseData(withValid, preset.seedTrain, preset);
    const search = preparePhaseData(withValid, preset.search, preset);
    expect(seed.valSplit).toBe(valid);
    expect(seed.split).toBe(withValid.train);
    // 12 per class of the 18 that remain after the held-out test part (2 of 20): all of them train.
    expect(seed.trainIdx.length).toBe(36);
    expect([...seed.valIdx].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect([...search.valIdx]).toEqual([...seed.valIdx]);
    expect([...search.trainIdx]).toEqual([...seed.trainIdx]);
  });

  it('validates on the run\'s cut otherwise, with no valSplit', () => {
    const d = preparePhaseData({ ...dataset, valid: { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0 } }, preset.seedTrain, preset);
    expect(d.valSplit).toBeUndefined();
    expect(d.trainIdx.length + d.valIdx.length).toBe(36);
  });

  it('a job\'s recorded validation accuracy is measured on the validation split', async () => {
    const before = tf.memory().numTensors;
    const out = await runJob({ job: job('v1', 'seed_train', seedDesc), preset, dataset: withValid, initWeights: null, parentDesc: null });
    expect(tf.memory().numTensors).toBe(before);
    const data = preparePhaseData(withValid, preset.seedTrain, preset);
    const net = buildNetwork(seedDesc, { seed: 1 });
    try {
      net.loadWeights(out.weights, seedDesc);
      const idx = data.valIdx.subarray(0, phase.maxValExamples);
      const onValid = await evaluate(net, { ...data, split: valid }, idx, 8);
      expect(out.result.history.at(-1)?.valLoss).toBeCloseTo(onValid.loss, 5);
      expect(out.result.history.at(-1)?.valAcc).toBeCloseTo(onValid.acc, 9);
    } finally {
      net.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('runJob', () => {
  it('runs seed_train → search → post_train end to end without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const seed = await runJob({ job: job('j1', 'seed_train', seedDesc), preset, dataset, initWeights: null, parentDesc: null });
    expect(seed.result.desc).toEqual(seedDesc);
    expect(seed.result.history).toHaveLength(1);
    expect(seed.result.inheritance.inherited).toBe(0);
    expect(seed.result.choices).toBeNull();
    // No test split: 10 % of every class (2 of 20) is held out for testing.
    expect(seed.result).toMatchObject({ testCount: 6, testSource: 'held-out' });
    expect(seed.result.testAcc! * 6).toBeCloseTo(Math.round(seed.result.testAcc! * 6), 9);

    const checkpoints: number[] = [];
    const search = await runJob({ job: job('j2', 'search', seedDesc), preset, dataset, initWeights: seed.weights,
      parentDesc: seedDesc, onCheckpoint: (c) => { checkpoints.push(c.epoch); } });
    expect(checkpoints).toEqual([1]);
    const choices = search.result.choices!;
    expect(choices.normal).toHaveLength(2);
    expect(choices.reduction).toHaveLength(2);
    for (const c of [...choices.normal, ...choices.reduction]) expect(c.op).not.toBe('none');
    const grown = search.result.desc.cells.normal.nodes;
    expect(grown.map((n) => n.kind)).toEqual(['multi', 'sum']);
    expect(grown[0]).toMatchObject({ id: 'p1', choices: choices.normal });
    expect(search.result.inheritance.inherited).toBeGreaterThan(0);
    expect(search.result.inheritance.fresh).toBeGreaterThan(0);
    expect(search.weights.specs.some((s) => s.path.startsWith('alpha/normal'))).toBe(true);
    expect(search.result.testAcc).toBeUndefined();

    const post = await runJob({ job: job('j3', 'post_train', search.result.desc), preset, dataset,
      initWeights: search.weights, parentDesc: search.result.desc });
    expect(post.result.desc).toEqual(search.result.desc);
    expect(post.result.choices).toEqual(choices);
    expect(post.result.inheritance.inherited).toBeGreaterThan(0);
    expect(post.result.bestValAcc).toBe(Math.max(...post.result.history.map((m) => m.valAcc)));
    expect(post.result).toMatchObject({ testCount: 6, testSource: 'held-out' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('tests on a stratified subset of the dataset\'s own test split, as many as preset.testExamples', async () => {
    const withTest: Dataset = { ...dataset, test: syntheticSplit(30, 8, 8, 1, 3, 8) };
    const capped = makePreset('tiny', { ...preset, testExamples: 9 });
    const before = tf.memory().numTensors;
    const seed = await runJob({ job: job('t1', 'seed_train', seedDesc), preset: capped, dataset: withTest, initWeights: null, parentDesc: null });
    expect(seed.result).toMatchObject({ testCount: 9, testSource: 'test' });
    expect(tf.memory().numTensors).toBe(before);
    const all = await runJob({ job: job('t2', 'seed_train', seedDesc), preset: makePreset('tiny', { ...preset, testExamples: null }),
      dataset: withTest, initWeights: null, parentDesc: null });
    expect(all.result.testCount).toBe(30);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('records its best validation accuracy as bestValAcc, never its test accuracy', async () => {
    // A test split of 7 mislabelled examples: its accuracy (k/7) cannot match a validation accuracy (j/8) in (0, 1).
    const t = syntheticSplit(7, 8, 8, 1, 3, 8);
    const withTest: Dataset = { ...dataset, test: { ...t, labels: t.labels.map((y) => (y + 1) % 3) } };
    const before = tf.memory().numTensors;
    const seed = await runJob({ job: job('b1', 'seed_train', seedDesc), preset, dataset: withTest, initWeights: null, parentDesc: null });
    expect(tf.memory().numTensors).toBe(before);
    expect(seed.result).toMatchObject({ testCount: 7, testSource: 'test' });
    expect(seed.result.testAcc).not.toBe(seed.result.bestValAcc);
    expect(seed.result.bestValAcc).toBe(Math.max(...seed.result.history.map((m) => m.valAcc)));
  });

  it('scales the batch size by job.batchSizeScale', async () => {
    const full = makePreset('tiny', { seed: 5, initNodeChannels: 4, stemMultiplier: 1, examplesPerClass: 12,
      seedTrain: { ...phase, maxBatchesPerEpoch: undefined } });
    const batches: number[] = [];
    // A clock that never advances: the throttle lets no report through inside the epoch, however slow the
    // machine, so only the epoch-end report arrives.
    await runJob({ job: { ...job('s1', 'seed_train', seedDesc), batchSizeScale: 0.5 }, preset: full, dataset,
      initWeights: null, parentDesc: null, now: () => 0, onProgress: (p) => batches.push(p.batches) });
    // 36 examples − 3 held out = 33, in batches of 8 × 0.5 = 4.
    expect(batches).toEqual([9]);
  });

  it('throttles progress by the injected clock, not the machine speed', async () => {
    const full = makePreset('tiny', { seed: 5, initNodeChannels: 4, stemMultiplier: 1, examplesPerClass: 12,
      seedTrain: { ...phase, maxBatchesPerEpoch: undefined } });
    const reports: number[] = [];
    const seconds: number[] = [];
    let t = 0;
    // Each reading of the clock moves it 10 s on: every batch passes the 2 s throttle.
    const out = await runJob({ job: { ...job('s2', 'seed_train', seedDesc), batchSizeScale: 0.5 }, preset: full, dataset,
      initWeights: null, parentDesc: null, now: () => (t += 10_000), progressIntervalMs: 2000,
      onProgress: (p) => { reports.push(p.batch); if (p.batch === p.batches) seconds.push(p.history.at(-1)!.seconds); } });
    expect(reports).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(out.result.history[0]!.seconds).toBeGreaterThan(0);
    expect(out.result.history[0]!.seconds % 10).toBe(0);
    expect(seconds).toEqual([out.result.history[0]!.seconds]);
  });

  it('cancels through shouldStop and rejects bad jobs, without leaks', async () => {
    const before = tf.memory().numTensors;
    await expect(runJob({ job: job('c1', 'seed_train', seedDesc), preset, dataset, initWeights: null, parentDesc: null,
      shouldStop: () => true })).rejects.toBeInstanceOf(JobCancelledError);
    await expect(runJob({ job: job('c2', 'post_train', seedDesc), preset, dataset, initWeights: null, parentDesc: null }))
      .rejects.toThrow(/post_train job c2: initWeights/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a search without its parent\'s weights instead of training it from scratch', async () => {
    const before = tf.memory().numTensors;
    await expect(runJob({ job: job('s0', 'search', seedDesc), preset, dataset, initWeights: null, parentDesc: null }))
      .rejects.toThrow(/search job s0: initWeights \(the parent's trained weights\) are missing/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('applies the preset\'s L1 weight on α in a search job', async () => {
    const sumAbsAlpha = async (l1Alpha: number): Promise<number> => {
      const p = makePreset('tiny', { seed: 5, initNodeChannels: 4, stemMultiplier: 1, topK: 2, examplesPerClass: 12, l1Alpha,
        search: { ...phase, lr: 0.025, minLr: 0.025 } });
      const out = await runJob({ job: job('l1', 'search', seedDesc), preset: p, dataset, initWeights: parentWeights(), parentDesc: seedDesc });
      return [...tensorOf(out.weights, 'alpha/normal'), ...tensorOf(out.weights, 'alpha/reduction')].reduce((a, v) => a + Math.abs(v), 0);
    };
    // Same job, same seeds: only λ differs. Two steps at lr 0.025 with λ = 1 pull each |α| (< 0.1) by up to 0.05.
    const [without, withL1] = [await sumAbsAlpha(0), await sumAbsAlpha(1)];
    expect(withL1).toBeLessThan(without * 0.7);
  });

  it('starts post-training with the new node\'s projection rows at zero', async () => {
    const seed = parentWeights();
    const search = await runJob({ job: job('g1', 'search', seedDesc), preset, dataset, initWeights: seed, parentDesc: seedDesc });
    // A learning rate of 1e-30 leaves every weight where post-training started it (to within 1e-20).
    const still = makePreset('tiny', { seed: 5, initNodeChannels: 4, stemMultiplier: 1, topK: 2, examplesPerClass: 12,
      postTrain: { ...phase, lr: 1e-30, minLr: 0 } });
    const post = await runJob({ job: job('g2', 'post_train', search.result.desc), preset: still, dataset,
      initWeights: search.weights, parentDesc: search.result.desc });
    let rows = 0;
    for (const plan of cellPlans(search.result.desc)) {
      const ids = plan.template.nodes.map((n) => n.id);
      const k = ids.indexOf('p1');
      expect(k).toBeGreaterThanOrEqual(0);
      const proj = tensorOf(post.weights, `cell${plan.index}/proj/conv`);
      const c = plan.channels;
      // [1, 1, nodes·C, C]: the new node's input channels are rows k·C … (k+1)·C − 1.
      const block = proj.subarray(k * c * c, (k + 1) * c * c);
      expect(Math.max(...Array.from(block, Math.abs)), `cell ${plan.index}`).toBeLessThan(1e-20);
      const others = [...proj.subarray(0, k * c * c), ...proj.subarray((k + 1) * c * c)];
      expect(Math.max(...others.map(Math.abs)), `cell ${plan.index}`).toBeGreaterThan(1e-3);
      rows += c;
    }
    expect(rows).toBeGreaterThan(0);
  });

  it('leaves no tensor behind when cancelled at any batch of training or validation, search jobs included', async () => {
    const seedWeights = parentWeights();
    const before = tf.memory().numTensors;
    // 2 training batches then 1 validation batch (and for a seed 1 test batch): stopping at each check covers
    // every loop.
    for (const kind of ['seed_train', 'search'] as const) {
      for (let stopAt = 1; stopAt <= (kind === 'seed_train' ? 4 : 3); stopAt++) {
        let checks = 0;
        const init = kind === 'search' ? { initWeights: seedWeights, parentDesc: seedDesc } : { initWeights: null, parentDesc: null };
        await expect(runJob({ job: job(`x${stopAt}`, kind, seedDesc), preset, dataset, ...init,
          shouldStop: () => ++checks >= stopAt })).rejects.toBeInstanceOf(JobCancelledError);
        expect(tf.memory().numTensors, `${kind} cancelled at check ${stopAt}`).toBe(before);
      }
    }
  });
});
