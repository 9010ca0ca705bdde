// The device measurement behind the time estimate and the budget sizing: a few timed training and evaluation
// steps of a small reference network on the current backend (warm-up excluded), at two batch sizes, fitted to
// the cost model of src/core/budget/cost-model.ts. Bounded in wall time (30 s by default), with progress and
// cancellation.

import { fitStepLine, networkSize, singleSampleLine, type DeviceCostModel, type NetworkSize, type StepLine, type StepSample } from '../../core/budget/cost-model.ts';
import type { ModelDesc, SearchSpaceName } from '../../core/space/model-desc.ts';
import { STEM_STRIDE } from '../../core/space/primitives.ts';
import { createRng } from '../../core/rng.ts';
import { buildSeedDesc } from '../../core/space/seeds.ts';
import type { PhaseRecipe } from '../../core/training/training-config.ts';
import type { ImageShape } from '../../data/dataset.ts';
import { channelStats } from '../../data/normalize.ts';
import type { PhaseData } from './batches.ts';
import { JobCancelledError } from '../errors.ts';
import { evaluate } from './evaluate.ts';
import type { Network } from '../model/network-types.ts';
import { buildNetwork } from '../model/network.ts';
import { trainPhase } from './train.ts';
import { readWeightsAsync } from '../weights/weights-io.ts';

export const DEFAULT_MEASURE_SECONDS = 30;
/** The two batch sizes timed: a small one (dominated by per-layer overhead) and a larger one (by MAdd). */
export const MEASURE_BATCHES = [4, 16] as const;
/** Largest side of the reference network's synthetic input. */
const REFERENCE_SIDE = 16;
const MAX_TRAIN_STEPS = 8;
const EVAL_STEPS = 3;

export interface MeasureOptions {
  /** The dataset's image shape (the reference input keeps its channels, at most 16×16). */
  shape: ImageShape;
  numClasses: number;
  space: SearchSpaceName;
  /** Name of the backend in use, recorded in the model. */
  backend: string;
  /** Hard limit on the measurement's wall time, seconds (default 30). */
  maxSeconds?: number;
  now?: () => number;
  /** Polled between steps: true cancels the measurement (it rejects with JobCancelledError). */
  shouldStop?: () => boolean;
  /** Fraction done in [0, 1] and what is being timed. */
  onProgress?: (fraction: number, stage: string) => void;
}

export class MeasureTimeoutError extends Error {
  constructor(seconds: number) {
    super(`this device did not finish the first training steps of a small reference network within ${seconds} s, so its speed could not be measured`);
    this.name = 'MeasureTimeoutError';
  }
}

/** The reference network: a 3-cell, 1-reduction, 2-node seed of the space at 8 channels, fixed cells. */
export function referenceDesc(shape: ImageShape, numClasses: number, space: SearchSpaceName): ModelDesc {
  const side = (n: number): number => Math.min(n, REFERENCE_SIDE);
  return buildSeedDesc({
    space, input: { height: side(shape.height), width: side(shape.width), channels: shape.channels }, numClasses,
    initNodeChannels: 8, stemMultiplier: 2, stemStride: STEM_STRIDE[space], macro: { cells: 3, reductions: 1, nodes: 2 },
    rng: createRng(20_191_208),
  });
}

function syntheticPhase(desc: ModelDesc, examples: number): PhaseData {
  const { height, width, channels } = desc.input;
  const images = new Uint8Array(examples * height * width * channels).map((_, i) => (i * 2654435761) % 251);
  const labels = new Uint8Array(examples).map((_, i) => i % desc.numClasses);
  const shape = { height, width, channels };
  const all = Int32Array.from({ length: examples }, (_, i) => i);
  return { split: { images, labels, count: examples }, shape, numClasses: desc.numClasses, trainIdx: all, valIdx: all, stats: channelStats(images, shape) };
}

const recipe = (batchSize: number, steps: number): PhaseRecipe => ({ epochs: 1, batchSize, lr: 0.01, minLr: 0.01, momentum: 0.9,
  weightDecay: 3e-4, gradClip: 5, cutout: 0, valFraction: 0.1, maxBatchesPerEpoch: steps, maxValExamples: 1 });

interface Clock {
  now: () => number;
  deadline: number;
  limitSeconds: number;
  cancelled: () => boolean;
}

/** True once the hard deadline passed; throws if the user cancelled. */
function overTime(c: Clock): boolean {
  if (c.cancelled()) throw new JobCancelledError('the device measurement was cancelled');
  return c.now() >= c.deadline;
}

/**
 * Times training steps at one batch size: a phase of up to MAX_TRAIN_STEPS + 1 steps whose first step is the
 * warm-up (compilation); it is cut short once `stageSeconds` have passed after the warm-up with ≥ 2 timed steps.
 * Returns the mean steady step and the warm-up step, in seconds; null steady when none was timed.
 */
async function timeTraining(net: Network, data: PhaseData, batch: number, stageSeconds: number, c: Clock,
  report: (within: number) => void): Promise<{ steady: number | null; warmup: number | null }> {
  const ends: number[] = [];
  const start = c.now();
  let stop = false;
  try {
    await trainPhase(net, data, recipe(batch, MAX_TRAIN_STEPS + 2), {
      seed: 1, l1Alpha: 0, augment: { pad: 0, flip: false }, progressIntervalMs: 0, now: c.now,
      shouldStop: () => {
        if (overTime(c)) stop = true;
        const timed = ends.length - 1;
        const first = ends[0];
        if (first !== undefined && timed >= 2 && c.now() - first >= stageSeconds * 1000) stop = true;
        return stop;
      },
      onProgress: (p) => {
        if (p.batch < p.batches) {
          ends.push(c.now());
          report(Math.min(1, ends.length / (MAX_TRAIN_STEPS + 1)));
        }
      },
    });
  } catch (e) {
    if (!(e instanceof JobCancelledError) || !stop) throw e;
  }
  const first = ends[0];
  const last = ends[ends.length - 1];
  const warmup = first === undefined ? null : (first - start) / 1000;
  if (first === undefined || last === undefined || ends.length < 2) return { steady: null, warmup };
  return { steady: (last - first) / 1000 / (ends.length - 1), warmup };
}

/** Times evaluation steps at one batch size: one warm-up step, then up to EVAL_STEPS timed ones. */
async function timeEvaluation(net: Network, data: PhaseData, batch: number, c: Clock): Promise<number | null> {
  const one = data.valIdx.subarray(0, batch);
  await evaluate(net, data, one, batch, () => void overTime(c));
  let steps = 0;
  const t0 = c.now();
  while (steps < EVAL_STEPS && !overTime(c)) {
    await evaluate(net, data, one, batch);
    steps++;
  }
  return steps === 0 ? null : (c.now() - t0) / 1000 / steps;
}

function samplesOf(size: NetworkSize, times: (number | null)[]): StepSample[] {
  const samples: StepSample[] = [];
  times.forEach((seconds, i) => {
    if (seconds !== null) samples.push({ size, batch: MEASURE_BATCHES[i] as number, seconds });
  });
  return samples;
}

function lineOf(samples: StepSample[]): StepLine | null {
  const [first] = samples;
  if (!first) return null;
  return samples.length >= 2 ? fitStepLine(samples) : singleSampleLine(first);
}

/** Lets the event loop run (a worker reads its messages, such as a cancel, only then). */
const yieldToEvents = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Seconds left before the deadline. */
const remaining = (c: Clock): number => (c.deadline - c.now()) / 1000;

/**
 * Measures the current TF.js backend: builds the reference network, times training steps at a small and a
 * larger batch and evaluation steps at both, and returns the fitted cost model with the raw samples. Takes at
 * most about `maxSeconds` (30 s): a stage predicted not to fit in the time left is skipped and its part of
 * the model inferred (`partial: true`); rejects with MeasureTimeoutError when not even one steady training
 * step was timed, and with JobCancelledError when `shouldStop` turned true. Frees every tensor it made.
 */
export async function measureDevice(opts: MeasureOptions): Promise<DeviceCostModel> {
  const now = opts.now ?? (() => performance.now());
  const limitSeconds = opts.maxSeconds ?? DEFAULT_MEASURE_SECONDS;
  const start = now();
  const c: Clock = { now, deadline: start + limitSeconds * 1000, limitSeconds, cancelled: opts.shouldStop ?? (() => false) };
  const report = (stage: number, within: number, text: string): void => opts.onProgress?.(Math.min(1, (stage + within) / 5), text);
  const desc = referenceDesc(opts.shape, opts.numClasses, opts.space);
  const size = networkSize(desc);
  const [small, large] = MEASURE_BATCHES;
  const data = syntheticPhase(desc, (MAX_TRAIN_STEPS + 2) * (large + 1));
  report(0, 0, 'building the reference network');
  const net = buildNetwork(desc, { seed: 1 });
  try {
    const buildSeconds = (now() - start) / 1000;
    const a = await timeTraining(net, data, small, limitSeconds / 10, c, (w) => report(0, w, `timing training steps (batch ${small})`));
    if (a.steady === null) throw new MeasureTimeoutError(limitSeconds);
    await yieldToEvents();
    // The larger batch needs a warm-up and two timed steps; at worst a step grows with the batch.
    const largeStep = a.steady * (large / small);
    const b = 4 * largeStep < remaining(c) * 0.6 && !overTime(c)
      ? await timeTraining(net, data, large, limitSeconds / 5, c, (w) => report(1, w, `timing training steps (batch ${large})`))
      : { steady: null, warmup: null };
    const evalTime = async (batch: number, trainStep: number | null, stage: number): Promise<number | null> => {
      report(stage, 0, `timing evaluation steps (batch ${batch})`);
      if (trainStep === null || 3 * trainStep > remaining(c) * 0.8 || overTime(c)) return null;
      return timeEvaluation(net, data, batch, c);
    };
    await yieldToEvents();
    const evalSmall = await evalTime(small, a.steady, 2);
    const evalLarge = await evalTime(large, b.steady, 3);
    report(4, 0, 'timing a weights read-back');
    const r0 = now();
    await readWeightsAsync(net.variables);
    const readSeconds = (now() - r0) / 1000;
    const trainSamples = samplesOf(size, [a.steady, b.steady]);
    const evalSamples = samplesOf(size, [evalSmall, evalLarge]);
    const train = lineOf(trainSamples) as StepLine;
    // Without a timed evaluation step, an evaluation step is taken as a third of a training step (forward only).
    const evalLine = lineOf(evalSamples) ?? { secondsPerLayer: train.secondsPerLayer / 3, secondsPerMadd: train.secondsPerMadd / 3 };
    const warmupExtra = Math.max(0, (a.warmup ?? 0) - a.steady) + Math.max(0, (b.warmup ?? 0) - (b.steady ?? 0));
    report(5, 0, 'done');
    return {
      backend: opts.backend,
      train,
      eval: evalLine,
      // A job builds its network, compiles its first steps and reads its weights back at each epoch's checkpoint.
      jobOverheadSeconds: buildSeconds + warmupExtra + 2 * readSeconds,
      measuredSeconds: (now() - start) / 1000,
      partial: b.steady === null || evalSmall === null || evalLarge === null,
      samples: { train: trainSamples, eval: evalSamples },
    };
  } finally {
    net.dispose();
  }
}
