// Parser for IDX image and label files (MNIST, Fashion-MNIST, KMNIST, EMNIST), raw or gzipped.
import type { Dataset, DatasetSource, DatasetSplit, ImageShape } from '../dataset.ts';
import { DatasetError } from '../errors.ts';
import { gunzipPrefix, isGzip, maybeGunzip } from './gzip.ts';
import { assembleDataset, classesFromNumericLabels } from '../validate.ts';

export type IdxKind = 'images' | 'labels';

export interface IdxHeader {
  kind: IdxKind;
  dims: number[];
  count: number;
  /** Bytes before the data: 4 for the magic number plus 4 per dimension. */
  dataOffset: number;
  /** Set for image files. */
  shape: ImageShape | null;
}

const DTYPES: Record<number, string> = { 0x08: 'ubyte', 0x09: 'signed byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' };

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

function shapeFromDims(dims: number[], file: string): ImageShape {
  const [, height = 0, width = 0, channels = 1] = dims;
  if (dims.length !== 3 && dims.length !== 4) {
    throw new DatasetError(file, `an IDX image file needs 3 dimensions (count, height, width) or 4 (…, channels), got ${dims.length}`);
  }
  if (height < 1 || width < 1) throw new DatasetError(file, `image size ${height}×${width} is empty`);
  if (channels !== 1 && channels !== 3) throw new DatasetError(file, `images must have 1 or 3 channels, the header says ${channels}`);
  return { height, width, channels };
}

/** Reads the header from the start of an uncompressed IDX file (the rest may be missing). */
export function readIdxHeader(bytes: Uint8Array, file: string): IdxHeader {
  if (bytes.length < 4) throw new DatasetError(file, `too short for an IDX file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const dtype = bytes[2] ?? 0;
  const ndims = bytes[3] ?? 0;
  if (bytes[0] !== 0 || bytes[1] !== 0 || !(dtype in DTYPES) || ndims < 1) {
    throw new DatasetError(file, `not an IDX file: magic number ${hex(magic)}, expected 0x00000803 (images) or 0x00000801 (labels)`);
  }
  if (dtype !== 0x08) throw new DatasetError(file, `IDX data type ${DTYPES[dtype]} (0x${dtype.toString(16)}) is not supported; only unsigned bytes (0x08) are`);
  const dataOffset = 4 + 4 * ndims;
  if (bytes.length < dataOffset) throw new DatasetError(file, `the IDX header is truncated (${ndims} dimensions need ${dataOffset} bytes, the file has ${bytes.length})`);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i));
  const count = dims[0] ?? 0;
  if (ndims === 1) return { kind: 'labels', dims, count, dataOffset, shape: null };
  return { kind: 'images', dims, count, dataOffset, shape: shapeFromDims(dims, file) };
}

/** Reads the header of a raw or gzipped IDX file from its first bytes, to size a dataset before reading it all. */
export function peekIdxHeader(prefix: Uint8Array, file: string): IdxHeader {
  return readIdxHeader(isGzip(prefix) ? gunzipPrefix(prefix, 4 + 4 * 255, file) : prefix, file);
}

function body(bytes: Uint8Array, h: IdxHeader, per: number, file: string): Uint8Array {
  const what = h.kind === 'images' ? 'images' : 'labels';
  const expected = h.dataOffset + h.count * per;
  if (bytes.length < expected) {
    const have = Math.floor((bytes.length - h.dataOffset) / per);
    throw new DatasetError(file, `truncated: the header announces ${h.count} ${what} (${expected} bytes) but the file has ${bytes.length} bytes (${have} complete ${what})`);
  }
  if (bytes.length > expected) {
    throw new DatasetError(file, `${bytes.length - expected} unexpected trailing bytes after the ${h.count} ${what} the header announces`);
  }
  // A copy, so the split does not pin (or, in IndexedDB, store) the whole file buffer.
  return bytes.slice(h.dataOffset);
}

export function parseIdxImages(data: Uint8Array, file: string): { images: Uint8Array; count: number; shape: ImageShape } {
  const bytes = maybeGunzip(data, file);
  const h = readIdxHeader(bytes, file);
  if (h.kind !== 'images' || !h.shape) throw new DatasetError(file, `expected an IDX image file (magic 0x00000803) but this is a label file (magic 0x00000801)`);
  const per = h.shape.height * h.shape.width * h.shape.channels;
  return { images: body(bytes, h, per, file), count: h.count, shape: h.shape };
}

export function parseIdxLabels(data: Uint8Array, file: string): Uint8Array {
  const bytes = maybeGunzip(data, file);
  const h = readIdxHeader(bytes, file);
  if (h.kind !== 'labels') throw new DatasetError(file, `expected an IDX label file (magic 0x00000801) but this has ${h.dims.length} dimensions (magic 0x0000080${h.dims.length})`);
  return body(bytes, h, 1, file);
}

export interface IdxSplit extends DatasetSplit {
  shape: ImageShape;
}

/**
 * Parses an image file and its label file into one split; `numClasses`, when given, bounds the labels.
 * Errors name `files.images` / `files.labels` when given (the files the user chose), else "`name` images/labels".
 */
export function parseIdxPair(images: Uint8Array, labels: Uint8Array, name: string, numClasses?: number, files?: { images: string; labels: string }): IdxSplit {
  const img = parseIdxImages(images, files?.images ?? `${name} images`);
  const lab = parseIdxLabels(labels, files?.labels ?? `${name} labels`);
  if (img.count !== lab.length) {
    throw new DatasetError(name, `the image file has ${img.count} images but the label file has ${lab.length} labels`);
  }
  if (numClasses !== undefined) {
    const bad = lab.findIndex((l) => l >= numClasses);
    if (bad >= 0) throw new DatasetError(files?.labels ?? `${name} labels`, `label ${lab[bad]} of example ${bad} is out of range (expected 0..${numClasses - 1})`);
  }
  return { images: img.images, labels: lab, count: img.count, shape: img.shape };
}

export interface IdxFiles {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages?: Uint8Array;
  testLabels?: Uint8Array;
  /** The files' names, for errors (defaults: "<dataset> train images" and so on). */
  names?: { trainImages?: string; trainLabels?: string; testImages?: string; testLabels?: string };
}

export interface DatasetMeta {
  id: string;
  name: string;
  source: DatasetSource;
  /** When absent, each distinct label is a class named by the label (see classesFromNumericLabels). */
  classNames?: string[];
}

/** Parses a train pair and an optional test pair into a validated Dataset. */
export function parseIdxDataset(files: IdxFiles, meta: DatasetMeta): Dataset {
  const n = meta.classNames?.length;
  const nm = files.names ?? {};
  const pairNames = (split: 'train' | 'test', i?: string, l?: string): { images: string; labels: string } => ({ images: i ?? `${meta.name} ${split} images`, labels: l ?? `${meta.name} ${split} labels` });
  const train = parseIdxPair(files.trainImages, files.trainLabels, `${meta.name} train`, n, pairNames('train', nm.trainImages, nm.trainLabels));
  const hasTest = files.testImages !== undefined || files.testLabels !== undefined;
  if (hasTest && (!files.testImages || !files.testLabels)) {
    throw new DatasetError(meta.name, `a test split needs both an image file and a label file; only the ${files.testImages ? 'image' : 'label'} file was given`);
  }
  const test = files.testImages && files.testLabels ? parseIdxPair(files.testImages, files.testLabels, `${meta.name} test`, n, pairNames('test', nm.testImages, nm.testLabels)) : null;
  if (test && (test.shape.height !== train.shape.height || test.shape.width !== train.shape.width || test.shape.channels !== train.shape.channels)) {
    throw new DatasetError(meta.name, `test images are ${test.shape.height}×${test.shape.width}×${test.shape.channels} but training images are ${train.shape.height}×${train.shape.width}×${train.shape.channels}`);
  }
  const found = meta.classNames ? null : classesFromNumericLabels(test ? [train.labels, test.labels] : [train.labels]);
  const classNames = meta.classNames ?? found?.classNames ?? [];
  const notes = found?.note ? [found.note] : [];
  const strip = (s: IdxSplit): DatasetSplit => ({ images: s.images, labels: s.labels, count: s.count });
  return assembleDataset({ ...meta, shape: train.shape, classNames, train: strip(train), test: test ? strip(test) : null, notes });
}
