// How long a search takes on a measured device: every job's steps priced by the device's cost model
// (cost-model.ts) on the job's own network, with the search phase priced on the description with the
// candidate inserted (its real MAdd, counted by countCost), jobs shared among the workers.

import { insertCandidate } from '../space/grow.ts';
import { seedDescs } from '../space/seeds.ts';
import type { ModelDesc } from '../space/model-desc.ts';
import type { PhaseRecipe, SearchPreset } from '../training/training-config.ts';
import { networkSize, stepSeconds, type DeviceCostModel, type NetworkSize } from './cost-model.ts';

/** The dataset counts an estimate needs. */
export interface DatasetCounts {
  shape: { height: number; width: number; channels: number };
  numClasses: number;
  trainCount: number;
  testCount: number;
}

export interface SearchEstimate {
  /** Wall seconds of the whole search (capped at the preset's maxSeconds when that rule ends it first). */
  seconds: number;
  /** Seconds without the cap. */
  uncappedSeconds: number;
  /** Training steps of the whole search (all phases, all jobs). */
  steps: number;
  /** Seed jobs and grown (search + post-training) pairs counted. */
  seedJobs: number;
  grownPairs: number;
  /** True when the preset's maxSeconds rule ends the search before the estimate. */
  cappedByMaxSeconds: boolean;
}

/** A preset without a pool-size rule is counted with this many grown points. */
export const UNBOUNDED_GROWN_POINTS = 20;
/**
 * A grown model is its parent plus finalised nodes; over a search the post-trained models average about
 * half again the MAdd (and layers and activations) of the seeds they grew from (a finalised node keeps topK
 * of the candidate's branches).
 */
export const GROWN_MADD_FACTOR = 1.5;

/** The examples the run trains and validates on, before the validation hold-out. */
export function poolExamples(preset: Pick<SearchPreset, 'examplesPerClass'>, d: Pick<DatasetCounts, 'trainCount' | 'numClasses'>): number {
  return preset.examplesPerClass === null ? d.trainCount : Math.min(d.trainCount, preset.examplesPerClass * d.numClasses);
}

/** Test examples every seed and post-trained model is evaluated on once after training. */
export function testExamplesOf(preset: Pick<SearchPreset, 'testExamples'>, d: Pick<DatasetCounts, 'testCount'>): number {
  return preset.testExamples === null ? d.testCount : Math.min(preset.testExamples, d.testCount);
}

/** Training steps per epoch and validation examples per epoch of a phase. */
export function phaseCounts(preset: SearchPreset, d: Pick<DatasetCounts, 'trainCount' | 'numClasses'>, r: PhaseRecipe): { steps: number; valExamples: number } {
  const pool = poolExamples(preset, d);
  const train = Math.max(1, Math.floor(pool * (1 - r.valFraction)));
  const full = Math.ceil(train / r.batchSize);
  const steps = r.maxBatchesPerEpoch === undefined ? full : Math.min(full, r.maxBatchesPerEpoch);
  const valExamples = Math.min(r.maxValExamples ?? Infinity, Math.ceil(pool * r.valFraction));
  return { steps, valExamples };
}

/**
 * Seconds of one job of phase `r` on a network of `size`: epochs × (training steps + validation steps), plus
 * `extraEvalExamples` evaluated once (a test pass), plus the device's per-job overhead.
 */
export function jobSeconds(
  m: DeviceCostModel, preset: SearchPreset, d: Pick<DatasetCounts, 'trainCount' | 'numClasses'>, r: PhaseRecipe,
  size: NetworkSize, extraEvalExamples = 0,
): { seconds: number; steps: number } {
  const { steps, valExamples } = phaseCounts(preset, d, r);
  const train = steps * stepSeconds(m.train, size, r.batchSize);
  const evalBatches = (n: number): number => Math.ceil(n / r.batchSize);
  const val = evalBatches(valExamples) * stepSeconds(m.eval, size, r.batchSize);
  const test = evalBatches(extraEvalExamples) * stepSeconds(m.eval, size, r.batchSize);
  return { seconds: r.epochs * (train + val) + test + m.jobOverheadSeconds, steps: r.epochs * steps };
}

/** The network sizes an estimate prices: each seed, each seed with the candidate inserted, and a grown model. */
export interface SearchSizes {
  seeds: NetworkSize[];
  searches: NetworkSize[];
  grown: NetworkSize[];
}

export function searchSizes(preset: SearchPreset, d: Pick<DatasetCounts, 'shape' | 'numClasses'>): SearchSizes {
  const descs: ModelDesc[] = seedDescs(preset, d.shape, d.numClasses).map((s) => s.desc);
  const seeds = descs.map(networkSize);
  return {
    seeds,
    searches: descs.map((desc) => networkSize(insertCandidate(desc, preset.space))),
    grown: seeds.map((s) => ({ madd: s.madd * GROWN_MADD_FACTOR, layers: Math.round(s.layers * GROWN_MADD_FACTOR), activations: s.activations * GROWN_MADD_FACTOR })),
  };
}

const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Seconds of one seed job per seed, and of one grown pair (search + post-training) on average. */
export function jobCosts(m: DeviceCostModel, preset: SearchPreset, d: DatasetCounts): { seeds: number[]; pair: number; seedSteps: number; pairSteps: number } {
  const sizes = searchSizes(preset, d);
  const testExamples = testExamplesOf(preset, d);
  const seeds = sizes.seeds.map((s) => jobSeconds(m, preset, d, preset.seedTrain, s, testExamples));
  const search = sizes.searches.map((s) => jobSeconds(m, preset, d, preset.search, s));
  const post = sizes.grown.map((s) => jobSeconds(m, preset, d, preset.postTrain, s, testExamples));
  return {
    seeds: seeds.map((s) => s.seconds),
    pair: mean(search.map((s) => s.seconds)) + mean(post.map((s) => s.seconds)),
    seedSteps: seeds.reduce((a, s) => a + s.steps, 0),
    pairSteps: mean(search.map((s) => s.steps)) + mean(post.map((s) => s.steps)),
  };
}

/**
 * The whole search: every seed trains once (and is tested on the preset's test examples); each further pool point up to maxPoolSize (or
 * UNBOUNDED_GROWN_POINTS without one) is one search job and one post-training job; jobs run `workers` at a
 * time. Seconds of wall time; the cap is the preset's maxSeconds.
 */
export function estimateSearch(preset: SearchPreset, d: DatasetCounts, m: DeviceCostModel, workers: number): SearchEstimate {
  const costs = jobCosts(m, preset, d);
  const seedJobs = costs.seeds.length;
  const grownPairs = Math.max(0, (preset.maxPoolSize ?? seedJobs + UNBOUNDED_GROWN_POINTS) - seedJobs);
  const total = costs.seeds.reduce((a, b) => a + b, 0) + grownPairs * costs.pair;
  const uncapped = total / Math.max(1, workers);
  const capped = preset.maxSeconds !== null && uncapped > preset.maxSeconds;
  return {
    seconds: capped && preset.maxSeconds !== null ? preset.maxSeconds : uncapped,
    uncappedSeconds: uncapped,
    steps: Math.round(costs.seedSteps + grownPairs * costs.pairSteps),
    seedJobs,
    grownPairs,
    cappedByMaxSeconds: capped,
  };
}

const DAY_SECONDS = 86_400;
/** A year of 365 days, in seconds: an estimate this coarse needs no leap days. */
const YEAR_SECONDS = 365 * DAY_SECONDS;

/**
 * Seconds in words: "under a minute", "about 3 min", "about 2.5 h" (below 2 days), "about 12 days" (below 2
 * years), "about 7 years" (2 years or more, where a count of days would be an unreadable number).
 */
export function describeDuration(s: number): string {
  if (s < 60) return 'under a minute';
  if (s < 5400) return `about ${Math.round(s / 60)} min`;
  if (s < 2 * DAY_SECONDS) return `about ${(s / 3600).toFixed(1)} h`;
  if (s < 2 * YEAR_SECONDS) return `about ${Math.round(s / DAY_SECONDS)} days`;
  return `about ${Math.round(s / YEAR_SECONDS)} years`;
}

/** Beyond this many seconds (a week), a search outlasts what a browser tab can be expected to stay open. */
export const TAB_LIFETIME_SECONDS = 7 * DAY_SECONDS;

/**
 * A plain warning for an estimated search of `seconds` (wall seconds) longer than TAB_LIFETIME_SECONDS, else
 * null.
 */
export function tooLongWarning(seconds: number): string | null {
  return seconds > TAB_LIFETIME_SECONDS
    ? 'That is far longer than a browser tab can be expected to stay open: choose a smaller preset or a time budget.'
    : null;
}

export function describeEstimate(e: SearchEstimate): string {
  const text = describeDuration(e.seconds);
  return e.cappedByMaxSeconds ? `${text} (stopped by the time limit)` : text;
}
