// One training phase of a network: epochs of seeded, augmented batches with SGD, cross-entropy plus L1 on α,
// per-epoch validation on the un-augmented held-out split, cancellation, NaN detection, throttled progress
// and checkpoints (at every epoch's end and at least every `checkpointIntervalMs` of training inside an
// epoch) that a resumed run continues from exactly.

import * as tf from '@tensorflow/tfjs';
import type { PhaseRecipe } from '../../core/training/training-config.ts';
import type { EpochMetrics, EpochPosition } from '../../core/search-types.ts';
import type { NamedWeights } from '../../core/weights.ts';
import type { Rng } from '../../core/rng.ts';
import { createRng, createRngFromState } from '../../core/rng.ts';
import { cosineLr } from '../../core/training/lr-schedule.ts';
import type { Network, StatUpdate } from '../model/network-types.ts';
import type { Batch, PhaseData } from './batches.ts';
import { batchRanges, disposeBatch, epochOrder, makeBatch } from './batches.ts';
import type { SgdState } from './sgd.ts';
import { Sgd } from './sgd.ts';
import { evaluate } from './evaluate.ts';
import { readWeightsAsync } from '../weights/weights-io.ts';
import { sumAll } from '../ops/sum.ts';
import { JobCancelledError, NanLossError, NonFiniteMetricError } from '../errors.ts';

/**
 * State to continue training from: `epoch` = epochs completed (= history.length). At an epoch's end there is
 * no `position` and a resume starts the next epoch; a checkpoint taken inside epoch `epoch + 1` carries the
 * position there (batches done, the epoch's order stream, running sums) and a resume continues that epoch.
 */
export interface TrainCheckpoint {
  epoch: number;
  position?: EpochPosition;
  weights: NamedWeights;
  optimizer: SgdState;
  rng: number[];
  history: EpochMetrics[];
}

export interface TrainProgress {
  /** 1-based epoch in progress. */
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Running means over the epoch so far. */
  trainLoss: number;
  trainAcc: number;
  lr: number;
  /** The finished epochs (the last one is new when `batch === batches` and validation is done). */
  history: EpochMetrics[];
}

export interface TrainOptions {
  /** Seed of the shuffles and augmentation (ignored when resuming: the checkpoint's rng state is used). */
  seed: number;
  /** L1 penalty on α (0 disables it). */
  l1Alpha: number;
  /** Crop padding and flip; the cutout comes from the recipe. */
  augment: { pad: number; flip: boolean };
  /** Overrides recipe.batchSize (a retry runs smaller batches). */
  batchSize?: number;
  shouldStop?: () => boolean;
  /**
   * Awaited before each training batch, ahead of `shouldStop`. On the cpu backend a job never waits on the
   * event loop by itself, so a worker passes a function that yields to it now and then: that is how a cancel
   * message reaches `shouldStop` at the next batch instead of at the job's end.
   */
  beforeBatch?: () => Promise<void>;
  onProgress?: (p: TrainProgress) => void;
  /** Receives every checkpoint: at each epoch's end, and inside an epoch once `checkpointIntervalMs` passed. */
  onCheckpoint?: (c: TrainCheckpoint) => void | Promise<void>;
  /** Most training time (ms, by `now`) between two checkpoints inside an epoch. Default 60 000. */
  checkpointIntervalMs?: number;
  resume?: TrainCheckpoint;
  /**
   * Final training (spec §5): drop path with this probability at the last epoch, ramped linearly from 0
   * (epoch e of E uses p·e/E); 0 or absent = off.
   */
  dropPathProb?: number;
  /** Final training: loss = CE(main) + auxWeight · CE(auxiliary tower); needs a network with the tower. */
  auxWeight?: number;
  /**
   * What the per-epoch evaluation reads instead of `data.valIdx` (the final training, which has no validation
   * split, evaluates the test split each epoch; it selects nothing with it).
   */
  evalData?: { data: PhaseData; indices: Int32Array };
  /** Minimum time between two progress reports inside an epoch. */
  progressIntervalMs?: number;
  now?: () => number;
}

export interface PhaseResult {
  history: EpochMetrics[];
  bestValAcc: number;
}

interface EpochContext {
  net: Network;
  data: PhaseData;
  recipe: PhaseRecipe;
  opts: TrainOptions;
  sgd: Sgd;
  rng: Rng;
  batchSize: number;
  history: EpochMetrics[];
  /** `now()` of the last checkpoint (or of the start); only read when checkpoints are wanted. */
  lastCheckpoint: number;
}

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;

function sgdParams(net: Network): { path: string; variable: tf.Variable }[] {
  const pathOf = new Map<tf.Variable, string>();
  for (const [path, v] of net.variables) pathOf.set(v, path);
  return net.trainable.map((variable) => {
    const path = pathOf.get(variable);
    if (path === undefined) throw new Error(`trainable variable ${variable.name} is missing from net.variables`);
    return { path, variable };
  });
}

/** Drop-path probability of 0-based epoch `e` of `epochs`: the linear ramp p·e/E (Archai's `DropPath_` callback). */
export function dropPathProbAt(prob: number, e: number, epochs: number): number {
  if (!(prob >= 0 && prob < 1)) throw new RangeError(`drop path probability must be in [0, 1), got ${prob}`);
  return (prob * e) / epochs;
}

/**
 * Cross-entropy of the main logits [N, K] against one-hot `y` [N, K], plus `auxWeight` times that of the
 * auxiliary tower's logits (Archai: loss = CE + aux_weight·CE_aux, spec §1.1). Returns the total and the main
 * CE (what the history reports). Throws when auxWeight > 0 and there are no auxiliary logits.
 */
export function phaseLoss(y: tf.Tensor2D, logits: tf.Tensor2D, auxLogits: tf.Tensor2D | undefined, auxWeight: number): { loss: tf.Scalar; ce: tf.Scalar } {
  const ce = tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  if (auxWeight === 0) return { loss: ce, ce };
  if (!auxLogits) throw new Error('trainPhase: auxWeight > 0 but the network has no auxiliary tower');
  return { loss: tf.add(ce, tf.mul(auxWeight, tf.losses.softmaxCrossEntropy(y, auxLogits))) as tf.Scalar, ce };
}

/** One SGD step; returns [loss, cross-entropy, correct] as one tensor (the only thing left to read). */
function trainStep(ctx: EpochContext, batch: Batch, lr: number, dropPath: number): tf.Tensor1D {
  const { net, opts } = ctx;
  const auxWeight = opts.auxWeight ?? 0;
  const forwardOpts = dropPath > 0 ? { dropPath: { prob: dropPath, random: () => ctx.rng.next() } } : undefined;
  const updates: StatUpdate[] = [];
  const kept: tf.Tensor[] = [];
  const alphas = [net.alphas.normal, net.alphas.reduction].filter((a): a is tf.Variable => a !== null);
  try {
    const { value, grads } = tf.variableGrads(() => {
      const { logits, auxLogits, statUpdates } = net.forward(batch.x, true, forwardOpts);
      for (const u of statUpdates) updates.push({ variable: u.variable, value: tf.keep(u.value) });
      const { loss, ce } = phaseLoss(batch.y, logits, auxLogits, auxWeight);
      kept.push(tf.keep(ce), tf.keep(tf.sum(tf.equal(tf.argMax(logits, 1), batch.labels).toFloat())));
      if (opts.l1Alpha === 0 || alphas.length === 0) return loss;
      return tf.add(loss, tf.mul(opts.l1Alpha, sumAll(alphas.map((a) => tf.sum(tf.abs(a)))))) as tf.Scalar;
    }, net.trainable);
    kept.push(value, ...Object.values(grads));
    ctx.sgd.step(grads, lr);
    net.applyStatUpdates(updates.splice(0));
    return tf.tidy(() => tf.stack([value, kept[0] as tf.Tensor, kept[1] as tf.Tensor]) as tf.Tensor1D);
  } finally {
    tf.dispose([...kept, ...updates.map((u) => u.value)]);
  }
}

function checkStop(opts: TrainOptions): void {
  if (opts.shouldStop?.()) throw new JobCancelledError();
}

/**
 * The batches still to train in an epoch: all of them, or after a position those from its example offset to
 * the end the epoch was planned with (the same batches when the batch size is unchanged).
 */
function epochRanges(count: number, batchSize: number, maxBatches: number | undefined, start: EpochPosition | undefined): [number, number][] {
  if (!start) return batchRanges(count, batchSize, maxBatches);
  const planned = batchRanges(count, start.batchSize, maxBatches);
  const end = planned.length > 0 ? (planned.at(-1) as [number, number])[1] : 0;
  const out: [number, number][] = [];
  for (let s = start.seen; s < end; s += batchSize) out.push([s, Math.min(end, s + batchSize)]);
  return out;
}

interface EpochTotals {
  loss: number;
  acc: number;
  /** Seconds spent before this run of the epoch (from a mid-epoch checkpoint). */
  priorSeconds: number;
}

/** Trains one epoch (0-based `e`), from `start` when resuming inside it; returns its running training loss/accuracy. */
async function trainEpoch(ctx: EpochContext, e: number, lr: number, start?: EpochPosition): Promise<EpochTotals> {
  const { data, recipe, opts, rng } = ctx;
  const now = opts.now ?? Date.now;
  const began = opts.onCheckpoint ? now() : 0;
  // The order is drawn from the stream at the epoch's start; a resumed epoch draws it again from that state.
  const orderRng = start ? start.orderRng : rng.state();
  const order = epochOrder(data.trainIdx, start ? createRngFromState(start.orderRng) : rng);
  const ranges = epochRanges(order.length, ctx.batchSize, recipe.maxBatchesPerEpoch, start);
  const first = start?.batch ?? 0;
  const batches = first + ranges.length;
  const augment = { options: { ...opts.augment, cutout: recipe.cutout }, rng };
  const dropPath = dropPathProbAt(opts.dropPathProb ?? 0, e, recipe.epochs);
  let lossSum = start?.lossSum ?? 0;
  let hits = start?.hits ?? 0;
  let seen = start?.seen ?? 0;
  let lastReport = now();
  for (const [i, [s, end]] of ranges.entries()) {
    const b = first + i;
    if (opts.beforeBatch) await opts.beforeBatch();
    checkStop(opts);
    const batch = makeBatch(data, order.subarray(s, end), augment);
    let out: tf.Tensor1D;
    try {
      out = trainStep(ctx, batch, lr, dropPath);
    } finally {
      disposeBatch(batch);
    }
    const [loss, ce, hit] = (await out.data()) as Float32Array;
    out.dispose();
    if (!Number.isFinite(loss as number)) throw new NanLossError(e + 1, b + 1, loss as number);
    lossSum += (ce as number) * batch.size;
    hits += hit as number;
    seen += batch.size;
    if (opts.onProgress && b + 1 < batches && now() - lastReport >= (opts.progressIntervalMs ?? 2000)) {
      lastReport = now();
      opts.onProgress({ epoch: e + 1, epochs: recipe.epochs, batch: b + 1, batches,
        trainLoss: lossSum / seen, trainAcc: hits / seen, lr, history: ctx.history.slice() });
    }
    if (opts.onCheckpoint && b + 1 < batches && now() - ctx.lastCheckpoint >= (opts.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS)) {
      const position: EpochPosition = { batch: b + 1, batchSize: start?.batchSize ?? ctx.batchSize, orderRng, lossSum, hits, seen,
        seconds: (start?.seconds ?? 0) + (now() - began) / 1000 };
      await checkpoint(ctx, e, position);
    }
  }
  return { loss: seen > 0 ? lossSum / seen : NaN, acc: seen > 0 ? hits / seen : 0, priorSeconds: start?.seconds ?? 0 };
}

const METRIC_NAMES = { trainLoss: 'training loss', trainAcc: 'training accuracy', valLoss: 'validation loss',
  valAcc: 'validation accuracy' } as const;

/**
 * An epoch whose losses or accuracies are NaN or ±Infinity fails the job (retried like any failure) before it
 * reaches the history, a checkpoint or a pool point: the per-batch check sees only the training loss, and a
 * diverged model can still train on finite losses while its validation loss overflows.
 */
function checkFinite(m: EpochMetrics): void {
  for (const [key, name] of Object.entries(METRIC_NAMES) as [keyof typeof METRIC_NAMES, string][]) {
    if (!Number.isFinite(m[key])) throw new NonFiniteMetricError(name, m.epoch, m[key]);
  }
}

/** Hands a checkpoint (epoch `e` in progress at `position`, or its end) to `onCheckpoint`. */
async function checkpoint(ctx: EpochContext, e: number, position: EpochPosition | null): Promise<void> {
  const { opts } = ctx;
  if (!opts.onCheckpoint) return;
  const c: TrainCheckpoint = { epoch: position ? e : e + 1, weights: await readWeightsAsync(ctx.net.variables),
    optimizer: await ctx.sgd.exportState(), rng: ctx.rng.state(), history: ctx.history.slice() };
  if (position) c.position = position;
  await opts.onCheckpoint(c);
  ctx.lastCheckpoint = (opts.now ?? Date.now)();
}

async function runEpoch(ctx: EpochContext, e: number, start?: EpochPosition): Promise<void> {
  const { data, recipe, opts } = ctx;
  const now = opts.now ?? Date.now;
  const began = now();
  const lr = cosineLr(recipe, e);
  const train = await trainEpoch(ctx, e, lr, start);
  const evalData = opts.evalData?.data ?? (data.valSplit ? { ...data, split: data.valSplit } : data);
  const evalIdx = opts.evalData?.indices ?? data.valIdx;
  const valIdx = recipe.maxValExamples === undefined ? evalIdx : evalIdx.subarray(0, recipe.maxValExamples);
  const val = await evaluate(ctx.net, evalData, valIdx, ctx.batchSize, () => checkStop(opts));
  const metrics: EpochMetrics = { epoch: e + 1, trainLoss: train.loss, trainAcc: train.acc, valLoss: val.loss,
    valAcc: val.acc, lr, seconds: train.priorSeconds + (now() - began) / 1000 };
  checkFinite(metrics);
  ctx.history.push(metrics);
  const batches = batchRanges(data.trainIdx.length, ctx.batchSize, recipe.maxBatchesPerEpoch).length;
  opts.onProgress?.({ epoch: e + 1, epochs: recipe.epochs, batch: batches, batches, trainLoss: train.loss,
    trainAcc: train.acc, lr, history: ctx.history.slice() });
  await checkpoint(ctx, e, null);
}

/** Best validation accuracy over the history (0 when there is none). */
export function bestValAcc(history: EpochMetrics[]): number {
  return history.reduce((best, m) => (Number.isFinite(m.valAcc) && m.valAcc > best ? m.valAcc : best), 0);
}

export async function trainPhase(net: Network, data: PhaseData, recipe: PhaseRecipe, opts: TrainOptions): Promise<PhaseResult> {
  const batchSize = opts.batchSize ?? recipe.batchSize;
  if (data.trainIdx.length === 0) throw new Error('trainPhase: the training split is empty');
  const sgd = new Sgd(sgdParams(net), recipe);
  try {
    const { resume } = opts;
    if (resume && (resume.epoch !== resume.history.length || resume.epoch > recipe.epochs || (resume.position && resume.epoch >= recipe.epochs))) {
      throw new Error(`trainPhase: resume checkpoint epoch ${resume.epoch}${resume.position ? ` (inside epoch ${resume.epoch + 1})` : ''} does not match its history (${resume.history.length}) or the recipe (${recipe.epochs} epochs)`);
    }
    if (resume) {
      net.loadWeights(resume.weights, net.desc);
      sgd.importState(resume.optimizer);
    }
    const rng = resume ? createRngFromState(resume.rng) : createRng(opts.seed);
    const ctx: EpochContext = { net, data, recipe, opts, sgd, rng, batchSize, history: resume ? resume.history.slice() : [],
      lastCheckpoint: opts.onCheckpoint ? (opts.now ?? Date.now)() : 0 };
    const first = resume ? resume.epoch : 0;
    for (let e = first; e < recipe.epochs; e++) await runEpoch(ctx, e, e === first ? resume?.position : undefined);
    return { history: ctx.history, bestValAcc: bestValAcc(ctx.history) };
  } finally {
    sgd.dispose();
  }
}
