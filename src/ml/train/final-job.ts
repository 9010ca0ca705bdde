// A final training as the worker and the headless runner run it (Archai's evaluation stage, spec §4.4–§5):
// the evaluation-width model trains on the whole training split with drop path, the auxiliary tower and
// cutout, is tested on the run's test examples each epoch (selecting nothing) and after the last, and keeps
// its weights without the tower.

import type { FinalTestScore } from '../../core/final/final-queue.ts';
import { deriveSeed } from '../../core/rng.ts';
import type { TestSource } from '../../core/search-types.ts';
import type { SearchPreset } from '../../core/training/training-config.ts';
import type { Dataset } from '../../data/dataset.ts';
import { augmentPolicy } from '../../data/augment.ts';
import { channelStats } from '../../data/normalize.ts';
import { auxTowerCell, withoutAuxTower } from '../model/aux-tower.ts';
import type { PhaseData } from './batches.ts';
import { JobCancelledError } from '../errors.ts';
import { evaluate } from './evaluate.ts';
import { buildNetwork } from '../model/network.ts';
import { runSplitOf, runTestSet, trainerHooksOf, type RunJobInput, type RunJobOutput } from './run-job.ts';
import { trainPhase } from './train.ts';
import { readWeightsAsync } from '../weights/weights-io.ts';

export interface FinalData {
  /** Every training example the run may train on (no validation split); statistics from them. */
  train: PhaseData;
  /** The run's test examples (`runTestSet`), normalised with the training statistics; `valIdx` lists them. */
  test: PhaseData;
  testSource: TestSource;
}

/**
 * The final training's data: all of `dataset.train` except the part the run holds out for testing (only
 * for a dataset without its own test split) trains, and the run's test examples test, as for every pool point.
 * Throws, naming the dataset, when there is nothing to train or test on.
 */
export function finalData(dataset: Dataset, preset: SearchPreset): FinalData {
  const { train } = dataset;
  const heldOut = new Set(runSplitOf(dataset, preset).heldOutTest);
  const trainIdx = Int32Array.from({ length: train.count }, (_, i) => i).filter((i) => !heldOut.has(i));
  if (trainIdx.length === 0) throw new Error(`dataset ${dataset.id}: the training split is empty`);
  const test = runTestSet(dataset, preset);
  const none = new Int32Array(0);
  const stats = channelStats(train.images, dataset.shape, trainIdx);
  const common = { shape: dataset.shape, numClasses: dataset.numClasses, stats };
  return {
    train: { ...common, split: train, trainIdx, valIdx: none },
    test: { ...common, split: test.split, trainIdx: none, valIdx: test.indices },
    testSource: test.source,
  };
}

export interface FinalJobOutput extends RunJobOutput {
  test: FinalTestScore;
}

/**
 * Runs a `final_train` job (its `final` spec and evaluation-width `desc`), from fresh weights or from
 * `input.resume`. Returns the history (per-epoch test loss and accuracy in the validation columns, capped by
 * the recipe's `maxValExamples`), the accuracy on the whole test split after the last epoch, and the weights
 * without the auxiliary tower. Throws for another kind of job, a missing spec, or starting weights.
 */
export async function runFinalJob(input: RunJobInput): Promise<FinalJobOutput> {
  const { job, preset, dataset } = input;
  const spec = job.final;
  if (job.kind !== 'final_train' || !spec) throw new Error(`job ${job.id}: runFinalJob needs a final_train job with its settings`);
  if (input.initWeights) throw new Error(`final_train job ${job.id}: a final training starts from fresh weights`);
  if (!(job.batchSizeScale > 0)) throw new Error(`job ${job.id}: batchSizeScale must be > 0, got ${job.batchSizeScale}`);
  const data = finalData(dataset, preset);
  // Archai attaches the tower only with more than one reduction; without it the weight has nothing to weigh.
  const auxWeight = auxTowerCell(job.desc) === null ? 0 : spec.auxWeight;
  const net = buildNetwork(job.desc, { seed: deriveSeed(preset.seed, 'init', job.id), auxTower: auxWeight > 0 });
  const stop = () => {
    if (input.shouldStop?.()) throw new JobCancelledError();
  };
  try {
    const batchSize = Math.max(1, Math.round(spec.recipe.batchSize * job.batchSizeScale));
    const phase = await trainPhase(net, data.train, spec.recipe, {
      seed: deriveSeed(preset.seed, 'train', job.id),
      l1Alpha: 0,
      augment: augmentPolicy(dataset.shape),
      batchSize,
      dropPathProb: spec.dropPathProb,
      auxWeight,
      evalData: { data: data.test, indices: data.test.valIdx },
      ...trainerHooksOf(input),
    });
    const test = await evaluate(net, data.test, data.test.valIdx, batchSize, stop);
    const fresh = net.trainable.reduce((n, v) => n + v.size, 0);
    const result = { jobId: job.id, desc: job.desc, history: phase.history, bestValAcc: phase.bestValAcc, choices: null,
      inheritance: { inherited: 0, fresh } };
    return { result, weights: withoutAuxTower(await readWeightsAsync(net.variables)),
      test: { testAcc: test.acc, testLoss: test.loss, testCount: test.count, testSource: data.testSource } };
  } finally {
    net.dispose();
  }
}
