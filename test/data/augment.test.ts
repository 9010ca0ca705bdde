import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.ts';
import { applyCutout, augmentBatch, augmentPolicy, cropShift, flipHorizontal } from '../../src/data/augment.ts';

const shape = { height: 4, width: 4, channels: 1 };
const img = Float32Array.from({ length: 16 }, (_, i) => i + 1);
const at = (a: Float32Array, i: number, j: number): number => a[i * 4 + j] as number;

describe('augment', () => {
  it('crop shifts the image and fills the border with zeros', () => {
    const out = new Float32Array(16);
    cropShift(img, out, shape, 2, 2, 2);
    expect(Array.from(out)).toEqual(Array.from(img));
    cropShift(img, out, shape, 2, 3, 1); // content moves up one row and right one column
    expect(at(out, 0, 1)).toBe(at(img, 1, 0));
    expect(at(out, 2, 3)).toBe(at(img, 3, 2));
    expect([at(out, 3, 0), at(out, 3, 3), at(out, 0, 0), at(out, 2, 0)]).toEqual([0, 0, 0, 0]);
  });
  it('flips left-right', () => {
    const f = img.slice();
    flipHorizontal(f, shape);
    expect(Array.from(f.subarray(0, 4))).toEqual([4, 3, 2, 1]);
  });
  it('cutout zeroes the clipped square around the centre', () => {
    const a = img.slice();
    applyCutout(a, shape, 1, 2, 2); // rows 0..1, cols 1..2
    const zeros = Array.from(a).flatMap((v, i) => (v === 0 ? [i] : []));
    expect(zeros).toEqual([1, 2, 5, 6]);
    const b = img.slice();
    applyCutout(b, shape, 0, 0, 4); // rows 0..1, cols 0..1 after clipping
    expect(Array.from(b).flatMap((v, i) => (v === 0 ? [i] : []))).toEqual([0, 1, 4, 5]);
  });
  it('is deterministic per seed, keeps the input intact and varies with the seed', () => {
    const x = Float32Array.from({ length: 3 * 16 }, (_, i) => (i % 16) + 1);
    const opts = { pad: 1, flip: true, cutout: 2 };
    const a = augmentBatch(x, 3, shape, opts, createRng(5));
    const b = augmentBatch(x, 3, shape, opts, createRng(5));
    const c = augmentBatch(x, 3, shape, opts, createRng(6));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(at(x, 0, 0)).toBe(1);
    expect(Array.from(augmentBatch(x, 3, shape, { pad: 0, flip: false, cutout: 0 }, createRng(1)))).toEqual(Array.from(x));
  });
  it('chooses padding by size and flips colour images only', () => {
    expect(augmentPolicy({ height: 32, width: 32, channels: 3 })).toEqual({ pad: 4, flip: true });
    expect(augmentPolicy({ height: 28, width: 28, channels: 1 })).toEqual({ pad: 2, flip: false });
  });
});
