// How long a search will take on this device: train the largest seed model of the preset for two short epochs
// in the trainer worker, take the second (compiled, warm) epoch's time per batch, and multiply it out by the
// preset's jobs × epochs × batches.
import { seedDescs } from '../core/seeds.ts';
import type { Job } from '../core/search-types.ts';
import type { PhaseRecipe, SearchPreset } from '../core/training-config.ts';
import type { DatasetSummary } from '../data/dataset.ts';
import type { JobRunner } from './run-controller.ts';

/** Batches timed in each calibration epoch. */
export const CALIBRATION_BATCHES = 4;
/**
 * A search-phase batch trains the parent plus a candidate node with every primitive on every input, so it
 * costs more than a plain batch; 2× is a conservative middle for the small cells these presets grow.
 */
export const SEARCH_BATCH_FACTOR = 2;
/** Evaluation is a forward pass only: about a third of a training step per batch. */
const EVAL_FACTOR = 1 / 3;

export interface Calibration {
  /** Seconds one training batch of `batchSize` examples takes (warm). */
  secondsPerBatch: number;
  batchSize: number;
}

export interface SearchEstimate {
  seconds: number;
  /** Training batches of the whole search (all phases, all jobs). */
  batches: number;
  /** True when the preset's maxSeconds rule ends the search before the estimate. */
  cappedByMaxSeconds: boolean;
}

/** The heaviest seed as a job; the calibration times it on the real dataset and backend. */
function calibrationJob(preset: SearchPreset, dataset: DatasetSummary, now: number): Job {
  const seeds = seedDescs(preset, { height: dataset.shape.height, width: dataset.shape.width, channels: dataset.shape.channels }, dataset.numClasses);
  const seed = seeds[seeds.length - 1];
  if (!seed) throw new Error(`preset ${preset.name}: its seed grid has no models, so nothing can be timed`);
  return { id: `calibration-${now.toString(36)}`, kind: 'seed_train', status: 'running', desc: seed.desc, macro: seed.macro, parentPointId: null,
    initWeightsKey: null, attempt: 1, batchSizeScale: 1, error: null, createdAt: now };
}

/** Runs the calibration job on `runner` (the trainer worker pool) against a dataset already in IndexedDB. */
export async function calibrate(runner: JobRunner, preset: SearchPreset, dataset: DatasetSummary, dbName: string, now = Date.now()): Promise<Calibration> {
  const batchSize = preset.seedTrain.batchSize;
  const recipe: PhaseRecipe = { ...preset.seedTrain, epochs: 2, maxBatchesPerEpoch: CALIBRATION_BATCHES, maxValExamples: batchSize };
  // One batch of test examples: the seed job measures test accuracy after training, which is not timed here.
  const timed: SearchPreset = { ...preset, seedTrain: recipe, testExamples: batchSize };
  const request = { job: calibrationJob(preset, dataset, now), preset: timed, dataset: { dbName, id: dataset.id }, initWeights: null, parentDesc: null, resume: null };
  const outcome = await runner.run(request, { onProgress: () => undefined, onCheckpoint: async () => undefined });
  const warm = outcome.result.history[1];
  if (!warm) throw new Error('the calibration job finished without a second epoch to time');
  const trainBatches = Math.min(CALIBRATION_BATCHES, Math.ceil(trainExamples(preset, dataset, recipe) / batchSize));
  return { secondsPerBatch: warm.seconds / (trainBatches + EVAL_FACTOR), batchSize };
}

/** Training examples of a phase after the per-class subset and the validation hold-out. */
function trainExamples(preset: SearchPreset, dataset: Pick<DatasetSummary, 'trainCount' | 'numClasses'>, recipe: PhaseRecipe): number {
  const pool = preset.examplesPerClass === null ? dataset.trainCount : Math.min(dataset.trainCount, preset.examplesPerClass * dataset.numClasses);
  return Math.max(1, Math.floor(pool * (1 - recipe.valFraction)));
}

/** Seconds of one job of a phase, in units of calibrated batches (scaled by batch size). */
function phaseSeconds(preset: SearchPreset, dataset: Pick<DatasetSummary, 'trainCount' | 'numClasses'>, recipe: PhaseRecipe, c: Calibration): { seconds: number; batches: number } {
  const examples = trainExamples(preset, dataset, recipe);
  const full = Math.ceil(examples / recipe.batchSize);
  const batches = recipe.maxBatchesPerEpoch === undefined ? full : Math.min(full, recipe.maxBatchesPerEpoch);
  const pool = preset.examplesPerClass === null ? dataset.trainCount : Math.min(dataset.trainCount, preset.examplesPerClass * dataset.numClasses);
  const valExamples = Math.min(recipe.maxValExamples ?? Infinity, Math.ceil(pool * recipe.valFraction));
  const perBatch = c.secondsPerBatch * (recipe.batchSize / c.batchSize);
  const valBatches = Math.ceil(valExamples / recipe.batchSize) * EVAL_FACTOR;
  return { seconds: recipe.epochs * (batches + valBatches) * perBatch, batches: recipe.epochs * batches };
}

/**
 * The whole search: every seed trains once; each further pool point is one search job and one post-training
 * job; jobs run `workers` at a time. A preset without a pool-size rule is counted at 20 grown points.
 */
export function estimateSearch(preset: SearchPreset, dataset: Pick<DatasetSummary, 'trainCount' | 'numClasses' | 'shape'>, c: Calibration, workers: number): SearchEstimate {
  const seeds = seedDescs(preset, dataset.shape, dataset.numClasses).length;
  const grown = Math.max(0, (preset.maxPoolSize ?? seeds + 20) - seeds);
  const seed = phaseSeconds(preset, dataset, preset.seedTrain, c);
  const search = phaseSeconds(preset, dataset, preset.search, c);
  const post = phaseSeconds(preset, dataset, preset.postTrain, c);
  const total = seeds * seed.seconds + grown * (search.seconds * SEARCH_BATCH_FACTOR + post.seconds);
  const seconds = total / Math.max(1, workers);
  const capped = preset.maxSeconds !== null && seconds > preset.maxSeconds;
  return { seconds: capped && preset.maxSeconds !== null ? preset.maxSeconds : seconds, batches: seeds * seed.batches + grown * (search.batches + post.batches), cappedByMaxSeconds: capped };
}

/** "about 3 min", "about 2.5 h", "under a minute". */
export function describeEstimate(e: SearchEstimate): string {
  const s = e.seconds;
  const text = s < 60 ? 'under a minute' : s < 5400 ? `about ${Math.round(s / 60)} min` : s < 172_800 ? `about ${(s / 3600).toFixed(1)} h` : `about ${Math.round(s / 86_400)} days`;
  return e.cappedByMaxSeconds ? `${text} (stopped by the time limit)` : text;
}
