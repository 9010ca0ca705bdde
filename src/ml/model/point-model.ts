// A trained pool point as a usable model: the normalisation it was trained with (reproduced from the run's
// preset), predictions on test images, and its export as a standard TF.js layers model or an ONNX file with
// that baked in.

import * as tf from '@tensorflow/tfjs';
import type { ModelDesc } from '../../core/space/model-desc.ts';
import type { PointStage, TestSource } from '../../core/search-types.ts';
import type { SearchPreset } from '../../core/training/training-config.ts';
import type { NamedWeights } from '../../core/weights.ts';
import type { Dataset, DatasetSplit } from '../../data/dataset.ts';
import { normalizeImages, type ChannelStats } from '../../data/normalize.ts';
import { exportLayersArtifacts, type LayersArtifacts } from '../export/layers.ts';
import { buildNetwork } from './network.ts';
import { exportOnnx } from '../onnx/export-onnx.ts';
import { preparePhaseData, runTestSet } from '../train/run-job.ts';
import { finalData } from '../train/final-job.ts';

export interface PointPredictions {
  /** Softmax probabilities per image, in the order of the requested indices. */
  probabilities: number[][];
  /** The true labels of those images. */
  labels: number[];
}

/**
 * The statistics a point's last training phase normalised with: seeds are trained by the seed phase,
 * grown children by the post-training phase (their split, hence their statistics, depend only on the preset),
 * final models on the whole training split.
 */
export function pointStats(dataset: Dataset, preset: SearchPreset, stage: PointStage | 'final'): ChannelStats {
  if (stage === 'final') return finalData(dataset, preset).train.stats;
  const recipe = stage === 'seed_trained' ? preset.seedTrain : preset.postTrain;
  return preparePhaseData(dataset, recipe, preset).stats;
}

/** The test split, or an error naming the dataset when it has none. */
export function testSplit(dataset: Dataset): DatasetSplit {
  if (!dataset.test) throw new Error(`dataset "${dataset.id}" has no test split`);
  return dataset.test;
}

/** The examples a quick check shows: indices into `split`, and whether that is the test split or held out of training. */
export interface CheckExamples {
  split: DatasetSplit;
  indices: number[];
  source: TestSource;
}

/**
 * `count` examples for a quick check, spread evenly over the run's test set (`runTestSet`: the dataset's test
 * split, or the part of the training split the run held out when it has none), so they are among the examples
 * the point's test accuracy was measured on and the same for every model of the run. Throws when the run has
 * no test examples.
 */
export function checkExamples(dataset: Dataset, preset: SearchPreset, count: number): CheckExamples {
  const set = runTestSet(dataset, preset);
  const n = set.indices.length;
  const step = Math.max(1, Math.floor(n / count));
  const indices = Array.from({ length: Math.min(count, n) }, (_, i) => set.indices[i * step] as number);
  return { split: set.split, indices, source: set.source };
}

/** The raw pixels of images `indices` of `split` (default the test split), concatenated (a copy, safe to transfer). */
export function testPixels(dataset: Dataset, indices: number[], split: DatasetSplit = testSplit(dataset)): Uint8Array {
  const size = dataset.shape.height * dataset.shape.width * dataset.shape.channels;
  const out = new Uint8Array(indices.length * size);
  indices.forEach((idx, k) => {
    if (!Number.isInteger(idx) || idx < 0 || idx >= split.count) throw new Error(`test image index ${idx} is out of range [0, ${split.count})`);
    out.set(split.images.subarray(idx * size, (idx + 1) * size), k * size);
  });
  return out;
}

/** Our network in inference mode on images `indices` of `split` (default the test split), normalised as in training. */
export async function predictTestImages(
  desc: ModelDesc, weights: NamedWeights, dataset: Dataset, stats: ChannelStats, indices: number[], split: DatasetSplit = testSplit(dataset),
): Promise<PointPredictions> {
  const { height, width, channels } = dataset.shape;
  const pixels = normalizeImages(split.images, dataset.shape, indices, stats);
  const net = buildNetwork(desc, { seed: 0 });
  try {
    const { fresh } = net.loadWeights(weights, null);
    if (fresh > 0) throw new Error(`predict: the weights lack ${fresh} trained values of this description (wrong point or weights?)`);
    const x = tf.tensor4d(pixels, [indices.length, height, width, channels]);
    const { logits } = net.forward(x, false);
    const probs = tf.softmax(logits);
    const probabilities = (await probs.array()) as number[][];
    tf.dispose([x, logits, probs]);
    return { probabilities, labels: indices.map((i) => split.labels[i] ?? -1) };
  } finally {
    net.dispose();
  }
}

/** The ONNX file that takes raw 0–255 pixels (input "pixels") and outputs "logits" and "probabilities". */
export function exportPointOnnx(desc: ModelDesc, weights: NamedWeights, stats: ChannelStats): Uint8Array {
  return exportOnnx(desc, weights, { normalization: stats });
}

/** The layers model that takes raw 0–255 pixels and outputs probabilities. */
export function exportPointModel(desc: ModelDesc, weights: NamedWeights, stats: ChannelStats): Promise<LayersArtifacts> {
  return exportLayersArtifacts(desc, weights, { normalization: stats, softmax: true });
}
