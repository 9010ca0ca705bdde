// One whole job as the worker and the headless runner run it: prepare the data, build the network (with the
// candidate for a search), inherit weights, train the phase, for a search finalise the candidate from α, and
// for a seed or post-training job measure test accuracy.

import type { CandidateChoices, InheritanceReport, Job, JobResult, TestScore } from '../../core/search-types.ts';
import type { ModelDesc, NodeDesc } from '../../core/space/model-desc.ts';
import type { PhaseRecipe, SearchPreset } from '../../core/training/training-config.ts';
import type { NamedWeights } from '../../core/weights.ts';
import type { Dataset } from '../../data/dataset.ts';
import { createRng, deriveSeed } from '../../core/rng.ts';
import { finalizeCandidate, insertCandidate } from '../../core/space/grow.ts';
import { checkStartWeights } from '../../core/scheduler/jobs.ts';
import { makeRunSplit, ownValidationOrder, phaseSplit, type RunSplit } from '../../data/splits/run-split.ts';
import { HELD_OUT_TEST_FRACTION, chooseTestSet, hasOwnTestSplit, type TestSet } from '../../data/splits/test-set.ts';
import { channelStats, type ChannelStats } from '../../data/normalize.ts';
import { evaluateTest } from './evaluate.ts';
import { JobCancelledError } from '../errors.ts';
import { augmentPolicy } from '../../data/augment.ts';
import type { Network } from '../model/network-types.ts';
import type { PhaseData } from './batches.ts';
import { buildNetwork } from '../model/network.ts';
import { newMultiNodeIds, readWeightsAsync, zeroNewNodeProjection } from '../weights/weights-io.ts';
import { trainPhase, type TrainCheckpoint, type TrainOptions, type TrainProgress } from './train.ts';

export interface RunJobInput {
  job: Job;
  preset: SearchPreset;
  dataset: Dataset;
  /** The parent's trained weights (search) or the search weights (post_train); null for a seed. */
  initWeights: NamedWeights | null;
  /** The description `initWeights` belong to. */
  parentDesc: ModelDesc | null;
  resume?: TrainCheckpoint;
  shouldStop?: () => boolean;
  /** Awaited before each training batch (see TrainOptions.beforeBatch). */
  beforeBatch?: () => Promise<void>;
  onProgress?: (p: TrainProgress) => void;
  onCheckpoint?: (c: TrainCheckpoint) => void | Promise<void>;
  /** Clock (milliseconds) for the progress throttle, checkpoint interval and epoch timings; Date.now unless injected (tests). */
  now?: () => number;
  /** Minimum time between two progress reports inside an epoch (train.ts's default when absent). */
  progressIntervalMs?: number;
  /** Most training time (ms) between two checkpoints inside an epoch (the trainer's default otherwise). */
  checkpointIntervalMs?: number;
}

/** What the caller of a job (the worker, or a test) hands to the trainer: stop, progress, checkpoints, resume and clock. */
type TrainerHooks = Pick<TrainOptions, 'shouldStop' | 'beforeBatch' | 'onProgress' | 'onCheckpoint' | 'checkpointIntervalMs' | 'resume' | 'now' | 'progressIntervalMs'>;

/** The job input's hooks into the trainer (every job kind passes them through unchanged). */
export function trainerHooksOf(input: RunJobInput): TrainerHooks {
  const { shouldStop, beforeBatch, onProgress, onCheckpoint, checkpointIntervalMs, resume, now, progressIntervalMs } = input;
  return { shouldStop, beforeBatch, onProgress, onCheckpoint, checkpointIntervalMs, resume, now, progressIntervalMs };
}

export interface RunJobOutput {
  result: Omit<JobResult, 'weightsKey'>;
  weights: NamedWeights;
}

/**
 * The run's one split of `dataset.train` (seeded from the run's seed only): the held-out test part (only for
 * a dataset without a test split: HELD_OUT_TEST_FRACTION of every class), the per-class subset, and the
 * per-class order that every phase's validation set is a prefix of. The same for every job of a run.
 */
export function runSplitOf(dataset: Dataset, preset: SearchPreset): RunSplit {
  const testFraction = hasOwnTestSplit(dataset) ? 0 : HELD_OUT_TEST_FRACTION;
  return makeRunSplit(dataset.train.labels, { numClasses: dataset.numClasses, examplesPerClass: preset.examplesPerClass, testFraction },
    createRng(deriveSeed(preset.seed, 'run-split')));
}

/**
 * The run's test examples (the same for every model of a run): the dataset's test split or the held-out part
 * of `runSplitOf`, cut to a stratified `preset.testExamples` (null = all). Throws when there are none.
 */
export function runTestSet(dataset: Dataset, preset: SearchPreset): TestSet {
  return chooseTestSet(dataset, runSplitOf(dataset, preset).heldOutTest, preset.testExamples, createRng(deriveSeed(preset.seed, 'test-set')));
}

/** Whether the dataset brings its own (non-empty) validation split, which then replaces the run's validation cut. */
export function hasOwnValidSplit(dataset: Dataset): boolean {
  return (dataset.valid?.count ?? 0) > 0;
}

/**
 * The examples a phase trains and validates on: a nested, stratified cut of the run's split (`runSplitOf`),
 * so the post-training and seed validation sets (10 %) lie inside the search phase's (20 %) and no model is
 * scored on an example it or an ancestor trained on; normalisation statistics come from the training side.
 * A dataset with its own validation split (`dataset.valid`, from a `valid/` folder) instead trains every phase
 * on all of the run's examples and validates on that split (`ownValidationOrder`, the same list for every
 * phase, with `valSplit` set), so no validation example is ever trained on.
 * Throws when the validation set is empty.
 */
export function preparePhaseData(dataset: Dataset, recipe: PhaseRecipe, preset: SearchPreset): PhaseData {
  const run = runSplitOf(dataset, preset);
  const common = { split: dataset.train, shape: dataset.shape, numClasses: dataset.numClasses };
  if (dataset.valid && hasOwnValidSplit(dataset)) {
    const { train } = phaseSplit(run, 0);
    const val = ownValidationOrder(dataset.valid.labels, dataset.numClasses, preset.examplesPerClass, createRng(deriveSeed(preset.seed, 'own-validation')));
    return { ...common, trainIdx: train, valIdx: val, valSplit: dataset.valid, stats: channelStats(dataset.train.images, dataset.shape, train) };
  }
  const { train, val } = phaseSplit(run, recipe.valFraction);
  if (val.length === 0) throw new Error(`dataset ${dataset.id}: the validation split is empty (valFraction ${recipe.valFraction})`);
  return { ...common, trainIdx: train, valIdx: val, stats: channelStats(dataset.train.images, dataset.shape, train) };
}

/** The recipe a job trains with, and its L1 penalty on α (search phase only). */
export function recipeOf(preset: SearchPreset, job: Pick<Job, 'kind'>): { recipe: PhaseRecipe; l1Alpha: number } {
  if (job.kind === 'seed_train') return { recipe: preset.seedTrain, l1Alpha: 0 };
  if (job.kind === 'search') return { recipe: preset.search, l1Alpha: preset.l1Alpha };
  return { recipe: preset.postTrain, l1Alpha: 0 };
}

function freshReport(net: Network): InheritanceReport {
  return { inherited: 0, fresh: net.trainable.reduce((n, v) => n + v.size, 0) };
}

/** α of one cell type as rows per input; zeros when no cell of that type exists (no gradient ever reached it). */
async function readAlphas(net: Network, desc: ModelDesc): Promise<{ normal: number[][]; reduction: number[][] }> {
  const read = async (kind: 'normal' | 'reduction'): Promise<number[][]> => {
    const a = net.alphas[kind];
    if (a) return (await a.array()) as number[][];
    const node = desc.cells[kind].nodes.find((n) => n.kind === 'candidate');
    if (!node || node.kind !== 'candidate') throw new Error(`readAlphas: cells.${kind} has no candidate node`);
    return node.inputs.map(() => node.primitives.map(() => 0));
  };
  return { normal: await read('normal'), reduction: await read('reduction') };
}

/** The choices of the finalised nodes `ids` in both templates (what a post-trained point records). */
function choicesOf(desc: ModelDesc, ids: readonly string[]): CandidateChoices | null {
  const pick = (nodes: NodeDesc[]) => nodes.flatMap((n) => (n.kind === 'multi' && ids.includes(n.id) ? n.choices : []));
  const normal = pick(desc.cells.normal.nodes);
  const reduction = pick(desc.cells.reduction.nodes);
  return normal.length + reduction.length > 0 ? { normal, reduction } : null;
}

interface Prepared {
  desc: ModelDesc;
  net: Network;
  inheritance: InheritanceReport;
  choices: CandidateChoices | null;
}

/** Builds the network the job trains and loads what it inherits. */
function prepareNetwork(input: RunJobInput, seed: number): Prepared {
  const { job, preset, initWeights } = input;
  checkStartWeights(job, initWeights !== null);
  const desc = job.kind === 'search' ? insertCandidate(job.desc, preset.space) : job.desc;
  const net = buildNetwork(desc, { seed });
  try {
    if (!initWeights) return { desc, net, inheritance: freshReport(net), choices: null };
    const parentDesc = input.parentDesc ?? job.desc;
    const inheritance = net.loadWeights(initWeights, parentDesc);
    if (job.kind !== 'post_train') return { desc, net, inheritance, choices: null };
    const ids = newMultiNodeIds(desc, initWeights);
    zeroNewNodeProjection(net, ids);
    return { desc, net, inheritance, choices: choicesOf(desc, ids) };
  } catch (e) {
    net.dispose();
    throw e;
  }
}

/** The trained model's accuracy on the run's test examples (seed and post-training jobs; chooses nothing). */
async function testScore(net: Network, input: RunJobInput, stats: ChannelStats, batchSize: number): Promise<TestScore> {
  const { dataset, preset } = input;
  const test = runTestSet(dataset, preset);
  const r = await evaluateTest(net, test, { shape: dataset.shape, numClasses: dataset.numClasses, stats }, batchSize, () => {
    if (input.shouldStop?.()) throw new JobCancelledError();
  });
  return { testAcc: r.acc, testCount: r.count, testSource: test.source };
}

/** Runs a search job (seed_train, search, post_train); a final_train job runs through final-job.ts. */
export async function runJob(input: RunJobInput): Promise<RunJobOutput> {
  const { job, preset, dataset } = input;
  if (job.kind === 'final_train') throw new Error(`job ${job.id}: a final_train job runs through runFinalJob`);
  const { recipe, l1Alpha } = recipeOf(preset, job);
  if (!(job.batchSizeScale > 0)) throw new Error(`job ${job.id}: batchSizeScale must be > 0, got ${job.batchSizeScale}`);
  const data = preparePhaseData(dataset, recipe, preset);
  const prepared = prepareNetwork(input, deriveSeed(preset.seed, 'init', job.id));
  const { net } = prepared;
  const batchSize = Math.max(1, Math.round(recipe.batchSize * job.batchSizeScale));
  try {
    const phase = await trainPhase(net, data, recipe, {
      seed: deriveSeed(preset.seed, 'train', job.id),
      l1Alpha,
      augment: augmentPolicy(dataset.shape),
      batchSize,
      ...trainerHooksOf(input),
    });
    let { desc, choices } = prepared;
    let test: TestScore | null = null;
    if (job.kind === 'search') ({ desc, choices } = finalizeCandidate(prepared.desc, await readAlphas(net, prepared.desc), preset.topK));
    else test = await testScore(net, input, data.stats, batchSize);
    const result = { jobId: job.id, desc, history: phase.history, bestValAcc: phase.bestValAcc, choices,
      inheritance: prepared.inheritance, ...test };
    return { result, weights: await readWeightsAsync(net.variables) };
  } finally {
    net.dispose();
  }
}
