import { describe, expect, it } from 'vitest';
import { decodePng } from '../../../src/data/formats/png.ts';
import { parseSprite } from '../../../src/data/formats/sprite.ts';
import { encodePng, mulberry32 } from '../make-files.ts';

describe('PNG decoder', () => {
  it.each([1, 2, 3, 4] as const)('round-trips %i channels through every filter type', (ch) => {
    const rnd = mulberry32(ch);
    const px = Uint8Array.from({ length: 7 * 6 * ch }, () => Math.floor(rnd() * 256));
    const png = decodePng(encodePng(px, 7, 6, ch), 'p.png');
    expect(png).toMatchObject({ width: 7, height: 6, channels: ch });
    expect(png.data).toEqual(px);
  });

  it('refuses bad signatures, truncation and oversize', () => {
    const good = encodePng(new Uint8Array(16), 4, 4, 1);
    expect(() => decodePng(good.subarray(1), 'x.png')).toThrow(/^x\.png: not a PNG file/);
    expect(() => decodePng(good.subarray(0, good.length - 20), 'x.png')).toThrow(/truncated/);
    expect(() => decodePng(good, 'x.png', 10)).toThrow(/decodes to 16 bytes, more than the 10 allowed/);
  });
});

describe('sprite datasets', () => {
  const spec = { id: 's', name: 'sprite', shape: { height: 2, width: 2, channels: 3 }, classNames: ['a', 'b'], trainCount: 3 };
  const rows = 4;
  const rgba = Uint8Array.from({ length: rows * 4 * 4 }, (_, i) => i % 251);
  const oneHot = Uint8Array.from([1, 0, 0, 1, 0, 1, 1, 0]);

  it('turns rows into images (dropping alpha) and one-hot labels into classes, split train/test', () => {
    const d = parseSprite(encodePng(rgba, 4, rows, 4), oneHot, spec);
    expect(d.train.count).toBe(3);
    expect(d.test?.count).toBe(1);
    expect(Array.from(d.train.labels)).toEqual([0, 1, 1]);
    expect(Array.from(d.train.images.subarray(0, 6))).toEqual([0, 1, 2, 4, 5, 6]);
    expect(Array.from(d.test?.images.subarray(0, 3) ?? [])).toEqual([48, 49, 50]);
  });

  it('refuses wrong widths and label sizes', () => {
    expect(() => parseSprite(encodePng(rgba, 8, 2, 4), oneHot, spec)).toThrow(/8 px wide, expected 4/);
    expect(() => parseSprite(encodePng(rgba, 4, rows, 4), oneHot.subarray(1), spec)).toThrow(/7 label bytes, expected 4 images × 2 classes = 8/);
    expect(() => parseSprite(encodePng(rgba, 4, rows, 4), Uint8Array.from([1, 0, 0, 0, 0, 1, 1, 0]), spec)).toThrow(/image 1 is all zeros/);
  });
});
