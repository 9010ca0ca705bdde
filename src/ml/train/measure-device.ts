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
/** Largest side of the reference networks' synthetic input. */
const REFERENCE_SIDE = 16;
/**
 * The two reference networks (3 cells, 1 reduction, 2 nodes): a narrow one (8 channels, stem ×2: the
 * `standard` preset's width, more activation elements per MAdd) and a wide one (16 channels, stem ×3: the
 * `paper` preset's width). The cost model interpolates the seconds per MAdd between them by activations per
 * MAdd; networks outside them (the 4-channel `tiny` ones) get the nearer reference's rate.
 */
export const REFERENCE_WIDTHS = [
  { initNodeChannels: 8, stemMultiplier: 2 },
  { initNodeChannels: 16, stemMultiplier: 3 },
] as const;
/** At most this many timed steps per stage and network; a stage also ends at its time share. */
const MAX_TRAIN_STEPS = 24;
/** Training steps are timed in phases of this many timed steps (plus two not timed), the networks taking turns. */
const ROUND_STEPS = 3;
const MAX_EVAL_STEPS = 24;
/** At least this many timed steps before a stage may end at its time share. */
const MIN_STEPS = 3;

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

/** Reference network `i` of REFERENCE_WIDTHS: a 3-cell, 1-reduction, 2-node seed of the space, fixed cells. */
export function referenceDesc(shape: ImageShape, numClasses: number, space: SearchSpaceName, i = 0): ModelDesc {
  const side = (n: number): number => Math.min(n, REFERENCE_SIDE);
  const width = REFERENCE_WIDTHS[i] ?? REFERENCE_WIDTHS[0];
  return buildSeedDesc({
    space, input: { height: side(shape.height), width: side(shape.width), channels: shape.channels }, numClasses,
    ...width, stemStride: STEM_STRIDE[space], macro: { cells: 3, reductions: 1, nodes: 2 },
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

/** The median of a non-empty list (robust to a garbage-collection pause or a burst of load in one step). */
function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** A reference network being timed, with the step times gathered so far (seconds, per batch size). */
interface Reference {
  size: NetworkSize;
  net: Network;
  data: PhaseData;
  /** Training step times per MEASURE_BATCHES index (each phase's first step left out). */
  train: number[][];
  /** The very first step at each batch size (compilation included), seconds. */
  warmup: (number | null)[];
  eval: number[][];
}

/**
 * One short training phase of `ref` at batch `bi` giving ROUND_STEPS timed steps: its first step (phase
 * set-up, and the compilation on the first phase at this batch) is kept apart, and its last (reported only
 * after the phase's validation) is not timed. Returns false when the deadline cut it short.
 */
async function trainRound(ref: Reference, bi: number, c: Clock): Promise<boolean> {
  const batch = MEASURE_BATCHES[bi] as number;
  const ends: number[] = [];
  const start = c.now();
  let late = false;
  try {
    await trainPhase(ref.net, ref.data, recipe(batch, ROUND_STEPS + 2), {
      seed: 1, l1Alpha: 0, augment: { pad: 0, flip: false }, progressIntervalMs: 0, now: c.now,
      shouldStop: () => (late = overTime(c)),
      onProgress: (p) => {
        if (p.batch < p.batches) ends.push(c.now());
      },
    });
  } catch (e) {
    if (!(e instanceof JobCancelledError) || !late) throw e;
  }
  const first = ends[0];
  if (first !== undefined && ref.warmup[bi] === null) ref.warmup[bi] = (first - start) / 1000;
  for (let i = 1; i < ends.length; i++) (ref.train[bi] as number[]).push(((ends[i] as number) - (ends[i - 1] as number)) / 1000);
  return !late;
}

/**
 * Times training steps at batch `bi` on `refs` in turns of ROUND_STEPS-step phases, so that both networks see
 * the same moments of a machine whose load moves. Ends once `stageSeconds` have passed and every network
 * has MIN_STEPS timed steps, at MAX_TRAIN_STEPS steps each, or at the deadline.
 */
async function timeTraining(refs: Reference[], bi: number, stageSeconds: number, c: Clock, report: (within: number) => void): Promise<void> {
  const t0 = c.now();
  for (;;) {
    for (const ref of refs) {
      if (!(await trainRound(ref, bi, c))) return;
      await yieldToEvents();
    }
    const fewest = Math.min(...refs.map((r) => (r.train[bi] as number[]).length));
    report(Math.min(1, Math.max(fewest / MAX_TRAIN_STEPS, (c.now() - t0) / 1000 / stageSeconds)));
    if (fewest >= MAX_TRAIN_STEPS || (fewest >= MIN_STEPS && c.now() - t0 >= stageSeconds * 1000)) return;
  }
}

/**
 * Times evaluation steps at batch `bi` on `refs`, one step of each in turn after one warm-up step each; ends
 * like timeTraining (half its time share).
 */
async function timeEvaluation(refs: Reference[], bi: number, stageSeconds: number, c: Clock): Promise<void> {
  const batch = MEASURE_BATCHES[bi] as number;
  for (const ref of refs) await evaluate(ref.net, ref.data, ref.data.valIdx.subarray(0, batch), batch, () => void overTime(c));
  const t0 = c.now();
  for (;;) {
    for (const ref of refs) {
      if (overTime(c)) return;
      const s = c.now();
      await evaluate(ref.net, ref.data, ref.data.valIdx.subarray(0, batch), batch);
      (ref.eval[bi] as number[]).push((c.now() - s) / 1000);
    }
    const fewest = Math.min(...refs.map((r) => (r.eval[bi] as number[]).length));
    if (fewest >= MAX_EVAL_STEPS || (fewest >= MIN_STEPS && c.now() - t0 >= stageSeconds * 1000)) return;
  }
}

/** The median step of each batch size with at least one timed step, as samples of the reference's size. */
function samplesOf(ref: Reference, times: number[][]): StepSample[] {
  return times.flatMap((t, bi) => (t.length === 0 ? [] : [{ size: ref.size, batch: MEASURE_BATCHES[bi] as number, seconds: median(t) }]));
}

/** A line from every network timed at two batch sizes; from one sample when that is all there is. */
function lineOf(samples: StepSample[]): StepLine | null {
  const [first] = samples;
  if (!first) return null;
  try {
    return fitStepLine(samples);
  } catch {
    return singleSampleLine(first);
  }
}

/** Lets the event loop run (a worker reads its messages, such as a cancel, only then). */
const yieldToEvents = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Seconds left before the deadline. */
const remaining = (c: Clock): number => (c.deadline - c.now()) / 1000;

/** The median timed training step of `ref` at batch `bi`, null when none. */
const stepOf = (ref: Reference, bi: number): number | null => ((ref.train[bi] as number[]).length === 0 ? null : median(ref.train[bi] as number[]));

/**
 * Measures the current TF.js backend: times training steps at a small and a larger batch and evaluation steps
 * at both on the two reference networks (REFERENCE_WIDTHS), in turns, and returns the cost model fitted to the
 * median step times with the raw samples. Takes at most about `maxSeconds` (30 s): a stage predicted not to
 * fit in the time left is skipped, for the wide network first, and its part of the model inferred
 * (`partial: true`; without the wide network the cost is put on MAdd alone); rejects with MeasureTimeoutError
 * when not even one steady training step of the narrow network was timed, and with JobCancelledError when
 * `shouldStop` turned true. Frees every tensor it made.
 */
export async function measureDevice(opts: MeasureOptions): Promise<DeviceCostModel> {
  const now = opts.now ?? (() => performance.now());
  const limitSeconds = opts.maxSeconds ?? DEFAULT_MEASURE_SECONDS;
  const start = now();
  const c: Clock = { now, deadline: start + limitSeconds * 1000, limitSeconds, cancelled: opts.shouldStop ?? (() => false) };
  const report = (stage: number, within: number, text: string): void => opts.onProgress?.(Math.min(1, (stage + within) / 5), text);
  // Each training stage's time share is a tenth of the limit and each evaluation stage's a twentieth: 30 % of
  // the limit in all, the rest for warm-ups, the turns' untimed steps and slow devices.
  const stageSeconds = limitSeconds / 10;
  report(0, 0, 'building the reference networks');
  const refs: Reference[] = [];
  let buildSeconds = 0;
  try {
    for (let i = 0; i < REFERENCE_WIDTHS.length; i++) {
      const desc = referenceDesc(opts.shape, opts.numClasses, opts.space, i);
      const b0 = now();
      const net = buildNetwork(desc, { seed: 1 });
      if (i === 0) buildSeconds = (now() - b0) / 1000;
      refs.push({ size: networkSize(desc), net, data: syntheticPhase(desc, (ROUND_STEPS + 3) * (MEASURE_BATCHES[1] + 1)), train: [[], []], warmup: [null, null], eval: [[], []] });
    }
    const [narrow, wide] = refs as [Reference, Reference];
    const [small, large] = MEASURE_BATCHES;
    // The narrow network's first steps alone say how fast this device is, and whether the wide one fits.
    report(0, 0, `timing training steps (batch ${small})`);
    await trainRound(narrow, 0, c);
    const narrowStep = stepOf(narrow, 0);
    if (narrowStep === null) throw new MeasureTimeoutError(limitSeconds);
    // At worst a step grows with the MAdd (the wide network) and with the batch.
    const growth = wide.size.madd / narrow.size.madd;
    const fits = (step: number, rounds: number): boolean => !overTime(c) && rounds * (ROUND_STEPS + 2) * step < remaining(c) * 0.5;
    const smallRefs = fits(narrowStep * (1 + growth), 2) ? refs : [narrow];
    await timeTraining(smallRefs, 0, stageSeconds, c, (w) => report(0, w, `timing training steps (batch ${small})`));
    const largeRefs = refs.filter((r) => { const s = stepOf(r, 0); return s !== null && fits(s * (large / small) * refs.length, 2); });
    if (largeRefs.length > 0) await timeTraining(largeRefs, 1, stageSeconds, c, (w) => report(1, w, `timing training steps (batch ${large})`));
    for (const bi of [0, 1]) {
      report(2 + bi, 0, `timing evaluation steps (batch ${MEASURE_BATCHES[bi]})`);
      const evalRefs = refs.filter((r) => { const s = stepOf(r, bi); return s !== null && !overTime(c) && (MIN_STEPS + 1) * s * refs.length < remaining(c) * 0.8; });
      if (evalRefs.length > 0) await timeEvaluation(evalRefs, bi, stageSeconds / 2, c);
      await yieldToEvents();
    }
    report(4, 0, 'timing a weights read-back');
    const r0 = now();
    await readWeightsAsync(narrow.net.variables);
    const readSeconds = (now() - r0) / 1000;
    const trainSamples = refs.flatMap((r) => samplesOf(r, r.train));
    const evalSamples = refs.flatMap((r) => samplesOf(r, r.eval));
    const train = lineOf(trainSamples) as StepLine;
    // Without a timed evaluation step, an evaluation step is taken as a third of a training step (forward only).
    const evalLine = lineOf(evalSamples) ?? { secondsPerLayer: train.secondsPerLayer / 3, secondsPerMadd: train.secondsPerMadd / 3,
      rates: train.rates.map((r) => ({ ...r, secondsPerMadd: r.secondsPerMadd / 3 })) };
    const warmupExtra = [0, 1].reduce((a, bi) => a + Math.max(0, (narrow.warmup[bi] ?? 0) - (stepOf(narrow, bi) ?? 0)), 0);
    report(5, 0, 'done');
    return {
      backend: opts.backend,
      train,
      eval: evalLine,
      // A job builds its network, compiles its first steps and reads its weights back at each epoch's checkpoint.
      jobOverheadSeconds: buildSeconds + warmupExtra + 2 * readSeconds,
      measuredSeconds: (now() - start) / 1000,
      partial: refs.some((r) => r.train.some((t) => t.length === 0) || r.eval.some((t) => t.length === 0)),
      samples: { train: trainSamples, eval: evalSamples },
    };
  } finally {
    for (const r of refs) r.net.dispose();
  }
}
