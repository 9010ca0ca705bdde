// The records a search is made of: jobs, their results, and the pool points they produce.

import type { ChoiceDesc, MacroTriple, ModelDesc } from './space/model-desc.ts';
import type { FinalSpec } from './final/final-spec.ts';

/**
 * - `seed_train`: train a seed model from scratch → a `seed_trained` pool point.
 * - `search`: add a candidate node to every cell of the parent, train it (search phase), finalise → a search
 *   result that queues its `post_train` job.
 * - `post_train`: train the finalised child, warm-started from the search weights → a `search_trained` point.
 * - `final_train`: a pool point's cells rebuilt at evaluation width and trained fully (core/final); asked for by
 *   the user, run outside the search's scheduler, never a pool point.
 */
export type JobKind = 'seed_train' | 'search' | 'post_train' | 'final_train';
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export type PointStage = 'seed_trained' | 'search_trained';

export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number;
  valAcc: number;
  lr: number;
  seconds: number;
}

/**
 * Where a checkpoint taken inside an epoch stands: enough to continue that epoch exactly (same example order,
 * same augmentation draws, same running metrics).
 */
export interface EpochPosition {
  /** Batches of the epoch in progress (epoch `checkpoint.epoch + 1`) already trained. */
  batch: number;
  /** The batch size they were trained with. */
  batchSize: number;
  /** The job's random stream at the epoch's start, which draws the epoch's example order. */
  orderRng: number[];
  /** Over the trained batches: cross-entropy × examples, correct predictions, examples. */
  lossSum: number;
  hits: number;
  seen: number;
  /** Seconds of training spent on the epoch so far. */
  seconds: number;
}

export interface Job {
  id: string;
  kind: JobKind;
  status: JobStatus;
  /** Architecture to train. For `search` it is the parent's; the worker adds the candidate itself. */
  desc: ModelDesc;
  macro: MacroTriple;
  /** Pool point this job grows from (the real parent, never a transient record); null for seeds. */
  parentPointId: string | null;
  /** Key of the weights to start from (the parent's trained weights, or the search job's weights). */
  initWeightsKey: string | null;
  /** 1-based try number; a retry halves the batch size. */
  attempt: number;
  batchSizeScale: number;
  error: string | null;
  createdAt: number;
  /** Parameters the finished job inherited from its starting weights, and those it trained from fresh. */
  inheritance?: InheritanceReport;
  /** The settings of a `final_train` job (absent for every other kind). */
  final?: FinalSpec;
}

/** Candidate choices made at finalisation, per cell type. */
export interface CandidateChoices {
  normal: ChoiceDesc[];
  reduction: ChoiceDesc[];
}

export interface InheritanceReport {
  inherited: number;
  fresh: number;
}

/**
 * Where a model's test accuracy was measured: the dataset's own test split, or (for a dataset without one) a
 * stratified part of the training split held out once per run from every training and validation set.
 */
export type TestSource = 'test' | 'held-out';

/** Accuracy on the run's test examples after training; reported only, never used to choose anything. */
export interface TestScore {
  /** Top-1 accuracy in [0, 1]. */
  testAcc: number;
  /** How many test examples it was measured on. */
  testCount: number;
  testSource: TestSource;
}

export interface JobResult extends Partial<TestScore> {
  jobId: string;
  /** For `search` the finalised description; otherwise the description that was trained. */
  desc: ModelDesc;
  history: EpochMetrics[];
  /** Best validation accuracy over the epochs (error = 1 − this). */
  bestValAcc: number;
  // testAcc, testCount, testSource (TestScore): set for seed_train and post_train, after training.
  choices: CandidateChoices | null;
  inheritance: InheritanceReport;
  /** Key under which the trained weights were stored. */
  weightsKey: string;
}

/** The test fields are absent for a search job's result and for points stored before they were measured. */
export interface PoolPoint extends Partial<TestScore> {
  id: string;
  stage: PointStage;
  parentId: string | null;
  jobId: string;
  desc: ModelDesc;
  macro: MacroTriple;
  madd: number;
  params: number;
  error: number;
  history: EpochMetrics[];
  samplingCount: number;
  choices: CandidateChoices | null;
  weightsKey: string;
  createdAt: number;
  /** How many parameters the model's training job inherited and how many started fresh. */
  inheritance?: InheritanceReport;
}
