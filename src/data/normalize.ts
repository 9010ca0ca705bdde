// Per-channel mean and standard deviation of uint8 NHWC images (computed on the training split only), and
// the conversion of chosen images to normalised float32.

import type { ImageShape } from './dataset.ts';

/** Mean and standard deviation per channel, in the [0, 1] pixel scale. */
export interface ChannelStats {
  mean: number[];
  std: number[];
}

/** A channel whose standard deviation is below this is only centred, so constant channels do not divide by 0. */
const MIN_STD = 1e-6;

function checkIndices(images: Uint8Array, shape: ImageShape, indices: ArrayLike<number>): number {
  const size = shape.height * shape.width * shape.channels;
  const count = Math.floor(images.length / size);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    if (!Number.isInteger(i) || i < 0 || i >= count) {
      throw new Error(`image index ${i} at position ${k} is out of range [0, ${count})`);
    }
  }
  return size;
}

/** Stats over the images named by `indices` (every image when omitted). */
export function channelStats(images: Uint8Array, shape: ImageShape, indices?: ArrayLike<number>): ChannelStats {
  const size = shape.height * shape.width * shape.channels;
  const idx = indices ?? Array.from({ length: Math.floor(images.length / size) }, (_, i) => i);
  checkIndices(images, shape, idx);
  if (idx.length === 0) throw new Error('channelStats: no images to compute statistics on');
  const c = shape.channels;
  const sum = new Float64Array(c);
  const sumSq = new Float64Array(c);
  for (let k = 0; k < idx.length; k++) {
    const base = (idx[k] as number) * size;
    for (let p = 0; p < size; p++) {
      const v = (images[base + p] as number) / 255;
      const ch = p % c;
      sum[ch] = (sum[ch] as number) + v;
      sumSq[ch] = (sumSq[ch] as number) + v * v;
    }
  }
  const n = idx.length * shape.height * shape.width;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sumSq, (s, ch) => Math.sqrt(Math.max(0, s / n - (mean[ch] as number) ** 2)));
  return { mean, std };
}

/** The images named by `indices`, in that order, as (x/255 − mean)/std float32 NHWC. */
export function normalizeImages(
  images: Uint8Array,
  shape: ImageShape,
  indices: ArrayLike<number>,
  stats: ChannelStats,
): Float32Array {
  const size = checkIndices(images, shape, indices);
  const c = shape.channels;
  if (stats.mean.length !== c || stats.std.length !== c) {
    throw new Error(`normalizeImages: stats have ${stats.mean.length} means and ${stats.std.length} stds, expected ${c}`);
  }
  const scale = stats.std.map((s) => (s < MIN_STD ? 1 : 1 / s) / 255);
  const shift = stats.mean.map((m, ch) => m * 255 * (scale[ch] as number));
  const out = new Float32Array(indices.length * size);
  for (let k = 0; k < indices.length; k++) {
    const src = (indices[k] as number) * size;
    const dst = k * size;
    for (let p = 0; p < size; p++) {
      const ch = p % c;
      out[dst + p] = (images[src + p] as number) * (scale[ch] as number) - (shift[ch] as number);
    }
  }
  return out;
}
