// Seeded training augmentation on normalised float32 NHWC batches: random crop from a zero-padded image,
// optional horizontal flip, and DARTS-style cutout. Validation batches never go through it.

import type { ImageShape } from './dataset.ts';
import type { UnitRandom } from './split.ts';

export interface AugmentOptions {
  /** Zero padding on every side before the random crop (4 for 32×32, 2 for 28×28); 0 disables the crop. */
  pad: number;
  /** Horizontal flip with probability ½ (off for digits, where a mirror changes the meaning). */
  flip: boolean;
  /** Side of the cutout square; 0 disables it. */
  cutout: number;
}

/** The default crop padding and flip for an image shape: flips only for colour images (digits are grey). */
export function augmentPolicy(shape: ImageShape): Pick<AugmentOptions, 'pad' | 'flip'> {
  const pad = shape.height >= 32 ? 4 : shape.height >= 16 ? 2 : 1;
  return { pad, flip: shape.channels === 3 };
}

/** Writes the crop at offset (dy, dx) of the image zero-padded by `pad` into `out` (dy, dx in [0, 2·pad]). */
export function cropShift(
  src: Float32Array,
  out: Float32Array,
  shape: ImageShape,
  pad: number,
  dy: number,
  dx: number,
): void {
  const { height: h, width: w, channels: c } = shape;
  for (let i = 0; i < h; i++) {
    const si = i + dy - pad;
    for (let j = 0; j < w; j++) {
      const sj = j + dx - pad;
      const o = (i * w + j) * c;
      const inside = si >= 0 && si < h && sj >= 0 && sj < w;
      const s = (si * w + sj) * c;
      for (let ch = 0; ch < c; ch++) out[o + ch] = inside ? (src[s + ch] as number) : 0;
    }
  }
}

/** Mirrors one image left–right in place. */
export function flipHorizontal(img: Float32Array, shape: ImageShape): void {
  const { height: h, width: w, channels: c } = shape;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w >> 1; j++) {
      const a = (i * w + j) * c;
      const b = (i * w + (w - 1 - j)) * c;
      for (let ch = 0; ch < c; ch++) {
        const t = img[a + ch] as number;
        img[a + ch] = img[b + ch] as number;
        img[b + ch] = t;
      }
    }
  }
}

/** Zeroes rows [cy − ⌊L/2⌋, cy + ⌊L/2⌋) × the same columns around (cy, cx), clipped to the image (DARTS). */
export function applyCutout(img: Float32Array, shape: ImageShape, cy: number, cx: number, size: number): void {
  const { height: h, width: w, channels: c } = shape;
  const half = Math.floor(size / 2);
  const y1 = Math.max(0, cy - half);
  const y2 = Math.min(h, cy + half);
  const x1 = Math.max(0, cx - half);
  const x2 = Math.min(w, cx + half);
  for (let i = y1; i < y2; i++) img.fill(0, (i * w + x1) * c, (i * w + x2) * c);
}

function randInt(rng: UnitRandom, n: number): number {
  return Math.floor(rng.next() * n);
}

/** A new augmented copy of `count` images; the same rng state gives the same result. */
export function augmentBatch(
  x: Float32Array,
  count: number,
  shape: ImageShape,
  opts: AugmentOptions,
  rng: UnitRandom,
): Float32Array {
  const size = shape.height * shape.width * shape.channels;
  if (x.length !== count * size) throw new Error(`augmentBatch: x has ${x.length} values, expected ${count} × ${size}`);
  if (!Number.isInteger(opts.pad) || opts.pad < 0) throw new Error(`augment pad must be an integer ≥ 0, got ${opts.pad}`);
  const out = new Float32Array(x.length);
  for (let k = 0; k < count; k++) {
    const src = x.subarray(k * size, (k + 1) * size);
    const img = out.subarray(k * size, (k + 1) * size);
    if (opts.pad > 0) {
      const dy = randInt(rng, 2 * opts.pad + 1);
      const dx = randInt(rng, 2 * opts.pad + 1);
      cropShift(src, img, shape, opts.pad, dy, dx);
    } else {
      img.set(src);
    }
    if (opts.flip && rng.next() < 0.5) flipHorizontal(img, shape);
    if (opts.cutout > 0) applyCutout(img, shape, randInt(rng, shape.height), randInt(rng, shape.width), opts.cutout);
  }
  return out;
}
