// The dataset cases in test/data/cases/ (see its README), each through the upload path with the outcome a user
// expects. Image uploads are decoded here with the Node PNG decoder standing in for the browser's.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../src/data/formats/png.ts';
import { rgbaToPixels, type ImageDecoder } from '../../src/data/formats/image-folder.ts';
import { parseUpload, type UploadOptions, type UploadRequest } from '../../src/runtime/datasets/dataset-import.ts';

const DIR = join(import.meta.dirname, 'cases');

function files(...paths: string[]): UploadRequest['files'] {
  return paths.flatMap((p) => {
    const full = join(DIR, p);
    const names = p.endsWith('/') ? readdirSync(full).sort().map((n) => join(p, n)) : [p];
    return names.map((n) => ({ path: n.split('/').pop() ?? n, file: new Blob([readFileSync(join(DIR, n))]) }));
  });
}

function upload(options: UploadOptions, ...paths: string[]): UploadRequest {
  return { id: 'case', name: 'Case', files: files(...paths), options };
}

/** RGBA at the PNG's own size (the cases ask for that size, so no resizing is needed). */
const nodeDecoder: ImageDecoder = async (blob, { width, height }) => {
  const png = decodePng(new Uint8Array(await blob.arrayBuffer()), 'image');
  if (png.width !== width || png.height !== height) throw new Error(`the image is ${png.width}×${png.height}, the test asks for ${width}×${height}`);
  const out = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const s = png.data.subarray(p * png.channels, (p + 1) * png.channels);
    const [r = 0, g = r, b = r] = png.channels >= 3 ? s : [s[0] ?? 0];
    out.set([r, g, b, png.channels === 2 || png.channels === 4 ? (s[png.channels - 1] ?? 255) : 255], p * 4);
  }
  return out;
};

const csv = (extra: object = {}): UploadOptions => ({ format: 'csv', csv: { labelColumn: 0, header: 'auto', ...extra } });

describe('dataset cases', () => {
  it('joined gzip members: accepted, 6 images, 3 classes', async () => {
    const d = await parseUpload(upload({ format: 'idx' }, 'multi-member-gzip-idx/'));
    expect([d.train.count, d.numClasses]).toEqual([6, 3]);
  });

  it('EMNIST labels 1..26: 26 classes named by their original labels, the mapping in the notes', async () => {
    const d = await parseUpload(upload({ format: 'idx' }, 'emnist-letters-labels-1-to-26/'));
    expect(d.numClasses).toBe(26);
    expect(d.classNames).toEqual(Array.from({ length: 26 }, (_, i) => String(i + 1)));
    expect(d.notes?.join('\n')).toMatch(/labels 1\.\.26 are 26 classes numbered 0\.\.25, each named by its original label \(1 → class 0/);
  });

  it('CSV labels 1..3: 3 classes named "1", "2", "3"', async () => {
    const d = await parseUpload(upload(csv(), 'csv-labels-1-to-3.csv'));
    expect(d.classNames).toEqual(['1', '2', '3']);
    expect(Array.from(d.train.labels)).toEqual([0, 1, 2]);
  });

  it('CIFAR batch 500 bytes short: refused, naming data_batch_3 and saying it is truncated', async () => {
    const req = upload({ format: 'cifar', cifar: { variant: 'auto' } }, 'cifar-one-truncated-batch/');
    await expect(parseUpload(req)).rejects.toThrow(/^data_batch_3\.bin\.gz: truncated .*the last record is 500 bytes short/);
  });

  it('CSV floats 0..1: the range is detected, the images are not turned black', async () => {
    const d = await parseUpload(upload(csv(), 'csv-floats-0-to-1.csv'));
    expect(Array.from(d.train.images)).toEqual([0, 64, 128, 255, 230, 26, 179, 77]);
    expect(d.notes?.join('\n')).toMatch(/pixel range detected from the data: 0\.\.1 values/);
    // With the largest value set to 255 by hand, the upload is refused with what to set instead.
    await expect(parseUpload(upload(csv({ maxValue: 255 }), 'csv-floats-0-to-1.csv'))).rejects.toThrow(/^csv-floats-0-to-1\.csv: .*every image would be black; set it to 1/);
  });

  it('CSV text labels without a header: all 6 rows are data', async () => {
    const d = await parseUpload(upload(csv(), 'csv-text-labels-no-header.csv'));
    expect(d.train.count).toBe(6);
    expect(d.classNames).toEqual(['bird', 'cat', 'dog']);
    expect(d.notes?.join('\n')).not.toMatch(/header/);
  });

  it('CSV with a pandas header of column numbers: the header is recognised, 8×8 inferred from 65 columns', async () => {
    const d = await parseUpload(upload(csv(), 'csv-pandas-numeric-header-8x8.csv'));
    expect(d.train.count).toBe(2);
    expect(d.shape).toEqual({ height: 8, width: 8, channels: 1 });
    expect(d.notes?.join('\n')).toMatch(/header: it holds the column numbers 0\.\.64[\s\S]*8×8×1 inferred from 65 columns/);
    expect(d.notes?.join('\n')).toMatch(/integers 0\.\.16/);
  });

  it('zip with train/, valid/, test/: the split folders are splits, never classes, test never in training', async () => {
    const req = upload({ format: 'image-zip', size: { height: 1, width: 1, channels: 1 } }, 'folder-train-valid-test.zip');
    const d = await parseUpload(req, undefined, nodeDecoder);
    expect(d.classNames).toEqual(['cats', 'dogs']);
    expect([d.train.count, d.valid?.count, d.test?.count]).toEqual([2, 2, 2]);
    expect([Array.from(d.train.labels), Array.from(d.valid?.labels ?? []), Array.from(d.test?.labels ?? [])]).toEqual([[0, 1], [0, 1], [0, 1]]);
    expect(d.notes?.join('\n')).toMatch(/split folders used as splits: 2 training, 2 validation, 2 test images/);
  });

  it('transparent PNG: black strokes on transparency are composited on white and stay visible', async () => {
    const png = decodePng(new Uint8Array(readFileSync(join(DIR, 'transparent-ink-8x8.png'))), 'ink.png');
    expect(png.channels).toBe(4);
    const gray = new Uint8Array(64);
    rgbaToPixels(png.data, 1, gray, 0);
    const transparent = Array.from({ length: 64 }, (_, p) => png.data[p * 4 + 3] === 0);
    expect(transparent.some(Boolean) && transparent.some((t) => !t)).toBe(true);
    transparent.forEach((t, p) => expect(gray[p]).toBe(t ? 255 : 0));
  });
});
