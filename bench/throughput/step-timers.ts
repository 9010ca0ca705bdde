// Timed training steps for the throughput and utilisation figures: the app's trainer (trainPhase on a
// synthetic phase), the plain tf.layers model of the same description, and a large matrix multiply.

import * as tf from '@tensorflow/tfjs';
import type { ModelDesc } from '../../src/core/space/model-desc.ts';
import type { PhaseRecipe } from '../../src/core/training/training-config.ts';
import { channelStats } from '../../src/data/normalize.ts';
import type { PhaseData } from '../../src/ml/train/batches.ts';
import { buildNetwork } from '../../src/ml/model/network.ts';
import { trainPhase } from '../../src/ml/train/train.ts';
import { buildPlainModel, disposePlainModel } from './plain-layers.ts';

/** A phase of `examples` deterministic pseudo-random images of the description's input shape. */
export function syntheticPhase(desc: ModelDesc, examples: number): PhaseData {
  const { height, width, channels } = desc.input;
  const images = new Uint8Array(examples * height * width * channels).map((_, i) => (i * 2654435761) % 251);
  const labels = new Uint8Array(examples).map((_, i) => i % desc.numClasses);
  const shape = { height, width, channels };
  const all = Int32Array.from({ length: examples }, (_, i) => i);
  return { split: { images, labels, count: examples }, shape, numClasses: desc.numClasses, trainIdx: all.slice(0, examples - 8),
    valIdx: all.slice(examples - 8), stats: channelStats(images, shape) };
}

/** One epoch of `steps` batches of `batch` images, the search's SGD settings, no cutout. */
export const recipe = (batch: number, steps: number): PhaseRecipe => ({ epochs: 1, batchSize: batch, lr: 0.025, minLr: 0.001, momentum: 0.9,
  weightDecay: 3e-4, gradClip: 5, cutout: 0, valFraction: 0.1, maxBatchesPerEpoch: steps, maxValExamples: 8 });

/**
 * Images per second of the app's trainer per training step: after a warm-up phase (shader compilation), a
 * 1-step phase and a (steps+1)-step phase are timed and the difference is divided by `steps`. What a phase
 * pays once (optimiser set-up, the validation pass, the epoch's progress report) cancels out, so the figure
 * is a step — batch gathering, normalisation, forward, backward, clipping, SGD, loss readback — like the
 * plain model's trainOnBatch, which has no phase around it.
 */
export async function oursImagesPerSecond(desc: ModelDesc, batch: number, steps: number): Promise<number> {
  const data = syntheticPhase(desc, batch * (steps + 1) + 8);
  const net = buildNetwork(desc, { seed: 1 });
  try {
    const opts = { seed: 1, l1Alpha: 0, augment: { pad: 0, flip: false } };
    const timed = async (n: number): Promise<number> => {
      const t0 = performance.now();
      await trainPhase(net, data, recipe(batch, n), opts);
      return performance.now() - t0;
    };
    await timed(1);
    const one = await timed(1);
    const many = await timed(steps + 1);
    return (batch * steps) / (Math.max(many - one, 1e-3) / 1000);
  } finally {
    net.dispose();
  }
}

export interface Speed {
  wallImgPerSec: number;
  cpuImgPerSec: number;
}

/**
 * Images per second of the app's trainer per training step, by wall-clock time and by this process's CPU
 * time (user + system), which another process competing for the cores disturbs far less on a shared machine.
 * Same 1-step / (steps+1)-step difference as oursImagesPerSecond.
 */
export async function oursStepSpeed(desc: ModelDesc, batch: number, steps: number): Promise<Speed> {
  const data = syntheticPhase(desc, batch * (steps + 1) + 8);
  const net = buildNetwork(desc, { seed: 1 });
  const opts = { seed: 1, l1Alpha: 0, augment: { pad: 0, flip: false } };
  const timed = async (n: number): Promise<{ wall: number; cpu: number }> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await trainPhase(net, data, recipe(batch, n), opts);
    const c = process.cpuUsage(c0);
    return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
  };
  try {
    await timed(1);
    const one = await timed(1);
    const many = await timed(steps + 1);
    const images = batch * steps;
    return { wallImgPerSec: images / Math.max(many.wall - one.wall, 1e-6), cpuImgPerSec: images / Math.max(many.cpu - one.cpu, 1e-6) };
  } finally {
    net.dispose();
  }
}

/**
 * A random input batch [batch, height, width, channels] and its one-hot labels [batch, numClasses] (classes
 * in turn) for the plain model's trainOnBatch; the caller disposes both.
 */
export function plainBatch(desc: ModelDesc, batch: number): { x: tf.Tensor; y: tf.Tensor } {
  const { height, width, channels } = desc.input;
  const x = tf.randomNormal([batch, height, width, channels]);
  // In a tidy, so the int32 label vector oneHot reads is freed too.
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % desc.numClasses), 'int32'), desc.numClasses));
  return { x, y };
}

/** Images per second of the plain tf.layers model (trainOnBatch reads its loss back each step, as ours does). */
export async function plainImagesPerSecond(desc: ModelDesc, batch: number, steps: number): Promise<number> {
  const model = buildPlainModel(desc);
  const { x, y } = plainBatch(desc, batch);
  try {
    await model.trainOnBatch(x, y);
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
    return (batch * steps) / ((performance.now() - t0) / 1000);
  } finally {
    tf.dispose([x, y]);
    disposePlainModel(model);
  }
}

/** FLOP/s of an n×n by n×n float32 matrix multiply (2n³ per product), after one warm-up. */
export async function matmulFlops(n: number, reps: number): Promise<number> {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  try {
    // Products are queued back to back and only the last is read, so readback is paid once, not per product.
    const run = async (count: number): Promise<void> => {
      const outs = Array.from({ length: count }, () => tf.matMul(a, b));
      await (outs[outs.length - 1] as tf.Tensor).data();
      tf.dispose(outs);
    };
    await run(1);
    const t0 = performance.now();
    await run(reps);
    return (2 * n ** 3 * reps) / ((performance.now() - t0) / 1000);
  } finally {
    tf.dispose([a, b]);
  }
}
