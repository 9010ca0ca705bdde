import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseIdxDataset, parseIdxImages, parseIdxLabels, parseIdxPair, peekIdxHeader, readIdxHeader } from '../../../src/data/formats/idx.ts';
import { idx, idxImages, idxLabels } from '../make-files.ts';

const meta = { id: 't', name: 'tiny', source: 'upload' as const };

describe('IDX', () => {
  it('parses images and labels, raw and gzipped', () => {
    const images = idxImages(4, 3, 2);
    const labels = idxLabels([0, 1, 2, 1]);
    for (const [i, l] of [[images, labels], [gzipSync(images), gzipSync(labels)]] as const) {
      const s = parseIdxPair(i, l, 'x', 3);
      expect(s.count).toBe(4);
      expect(s.shape).toEqual({ height: 3, width: 2, channels: 1 });
      expect(Array.from(s.labels)).toEqual([0, 1, 2, 1]);
      expect(Array.from(s.images.subarray(0, 4))).toEqual([3, 10, 17, 24]);
      expect(s.images.length).toBe(24);
    }
  });

  it('reads a 4-D RGB header and peeks a gzipped header from a prefix', () => {
    const rgb = idx([2, 2, 2, 3]);
    expect(readIdxHeader(rgb, 'f').shape).toEqual({ height: 2, width: 2, channels: 3 });
    const big = gzipSync(idxImages(500, 28, 28));
    const h = peekIdxHeader(big.subarray(0, 64), 'big.gz');
    expect(h).toMatchObject({ kind: 'images', count: 500, dataOffset: 16 });
  });

  it('names every header problem', () => {
    expect(() => parseIdxImages(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 'a')).toThrow(/^a: not an IDX file: magic number 0x01020304/);
    expect(() => parseIdxImages(new Uint8Array([0, 0]), 'a')).toThrow(/too short/);
    expect(() => parseIdxImages(idx([2, 2, 2], undefined, 0x0d).subarray(0, 16), 'f')).toThrow(/data type float .* not supported/);
    expect(() => parseIdxImages(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1]), 'h')).toThrow(/header is truncated/);
    expect(() => parseIdxImages(idxLabels([1, 2]), 'l')).toThrow(/expected an IDX image file .* label file/);
    expect(() => parseIdxLabels(idxImages(1, 2, 2), 'i')).toThrow(/expected an IDX label file/);
    expect(() => parseIdxImages(idx([1, 2, 2, 2]), 'c')).toThrow(/1 or 3 channels/);
    expect(() => parseIdxImages(idx([1, 0, 2]), 'z')).toThrow(/is empty/);
  });

  it('refuses truncated files and trailing bytes', () => {
    const images = idxImages(3, 4, 4);
    expect(() => parseIdxImages(images.subarray(0, images.length - 5), 'cut')).toThrow(/truncated: the header announces 3 images .* \(2 complete images\)/);
    expect(() => parseIdxImages(new Uint8Array([...images, 9, 9]), 'long')).toThrow(/2 unexpected trailing bytes/);
    expect(() => parseIdxImages(gzipSync(images).subarray(0, 30), 'cut.gz')).toThrow(/gzip data is truncated/);
  });

  it('refuses count mismatches and labels out of range', () => {
    expect(() => parseIdxPair(idxImages(3, 2, 2), idxLabels([0, 1]), 'm')).toThrow(/^m: the image file has 3 images but the label file has 2 labels/);
    expect(() => parseIdxPair(idxImages(2, 2, 2), idxLabels([0, 10]), 'r', 10)).toThrow(/label 10 of example 1 is out of range \(expected 0\.\.9\)/);
  });

  it('builds a dataset with train and test splits', () => {
    const d = parseIdxDataset(
      { trainImages: idxImages(4, 2, 2), trainLabels: idxLabels([0, 1, 2, 0]), testImages: idxImages(2, 2, 2), testLabels: idxLabels([2, 1]) },
      meta,
    );
    expect(d.numClasses).toBe(3);
    expect(d.classNames).toEqual(['0', '1', '2']);
    expect(d.test?.count).toBe(2);
    expect(() => parseIdxDataset({ trainImages: idxImages(2, 2, 2), trainLabels: idxLabels([0, 1]), testImages: idxImages(1, 2, 2) }, meta)).toThrow(/only the image file/);
    expect(() => parseIdxDataset({ trainImages: idxImages(2, 2, 2), trainLabels: idxLabels([0, 1]), testImages: idxImages(1, 3, 3), testLabels: idxLabels([0]) }, meta)).toThrow(/test images are 3×3×1 but training images are 2×2×1/);
    expect(() => parseIdxDataset({ trainImages: idxImages(2, 2, 2), trainLabels: idxLabels([0, 0]) }, meta)).toThrow(/at least 2 classes, found 1/);
    // Labels that skip a value are classes named by their labels; a class seen only in the test split is refused by name.
    expect(parseIdxDataset({ trainImages: idxImages(2, 2, 2), trainLabels: idxLabels([0, 2]) }, meta).classNames).toEqual(['0', '2']);
    expect(() => parseIdxDataset({ trainImages: idxImages(2, 2, 2), trainLabels: idxLabels([0, 2]), testImages: idxImages(1, 2, 2), testLabels: idxLabels([1]) }, meta)).toThrow(/class "1" has no training examples/);
  });
});
