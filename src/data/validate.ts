// Checks shared by every format (counts, label range, classes, sizes) and the size estimate that refuses a
// dataset too large for the device before all of it is read.
import type { Dataset, DatasetSource, DatasetSplit, ImageShape } from './dataset.ts';
import { DatasetError } from './errors.ts';

export function checkShape(shape: ImageShape, file: string): void {
  for (const key of ['height', 'width', 'channels'] as const) {
    const v = shape[key];
    if (!Number.isInteger(v) || v < 1) throw new DatasetError(file, `image ${key} must be a positive integer, got ${v}`);
  }
  if (shape.channels !== 1 && shape.channels !== 3) {
    throw new DatasetError(file, `images must have 1 (grayscale) or 3 (RGB) channels, got ${shape.channels}`);
  }
}

/** Checks one split: image bytes match count × shape, one label per image, every label < numClasses. */
export function checkSplit(split: DatasetSplit, shape: ImageShape, numClasses: number, file: string): void {
  const per = shape.height * shape.width * shape.channels;
  if (split.labels.length !== split.count) {
    throw new DatasetError(file, `${split.count} images but ${split.labels.length} labels; the counts must be equal`);
  }
  if (split.images.length !== split.count * per) {
    throw new DatasetError(file, `${split.images.length} pixel bytes, expected ${split.count} × ${per} = ${split.count * per}`);
  }
  for (let i = 0; i < split.labels.length; i++) {
    const l = split.labels[i] ?? 0;
    if (l >= numClasses) throw new DatasetError(file, `label ${l} of example ${i} is out of range (expected 0..${numClasses - 1})`);
  }
}

/** At least two classes, and every class has at least one training example. */
export function checkClasses(train: DatasetSplit, numClasses: number, classNames: readonly string[], file: string): void {
  if (numClasses < 2) throw new DatasetError(file, `a classifier needs at least 2 classes, found ${numClasses}`);
  if (classNames.length !== numClasses) {
    throw new DatasetError(file, `${classNames.length} class names for ${numClasses} classes`);
  }
  const seen = new Uint8Array(numClasses);
  for (const l of train.labels) if (l < numClasses) seen[l] = 1;
  const empty = classNames.filter((_, i) => seen[i] === 0);
  if (empty.length > 0) {
    throw new DatasetError(file, `class${empty.length > 1 ? 'es' : ''} ${empty.map((c) => `"${c}"`).join(', ')} ha${empty.length > 1 ? 've' : 's'} no training examples`);
  }
}

export interface DatasetParts {
  id: string;
  name: string;
  source: DatasetSource;
  shape: ImageShape;
  classNames: string[];
  train: DatasetSplit;
  test: DatasetSplit | null;
  valid?: DatasetSplit | null;
  notes?: string[];
}

/** Builds a Dataset after running every shared check; `name` doubles as the file named in errors. */
export function assembleDataset(parts: DatasetParts): Dataset {
  const numClasses = parts.classNames.length;
  checkShape(parts.shape, parts.name);
  checkSplit(parts.train, parts.shape, numClasses, `${parts.name} (train)`);
  if (parts.test) checkSplit(parts.test, parts.shape, numClasses, `${parts.name} (test)`);
  if (parts.valid) checkSplit(parts.valid, parts.shape, numClasses, `${parts.name} (valid)`);
  checkClasses(parts.train, numClasses, parts.classNames, parts.name);
  if (parts.train.count === 0) throw new DatasetError(parts.name, 'the training split has no examples');
  const { valid, notes, ...rest } = parts;
  const out: Dataset = { ...rest, numClasses };
  if (valid) out.valid = valid;
  if (notes && notes.length > 0) out.notes = notes;
  return out;
}

/** "1, 2, 3, …, 26" for a sorted list of labels: runs of consecutive values are shortened. */
function describeValues(values: readonly number[]): string {
  const first = values[0];
  const last = values[values.length - 1];
  if (first === undefined || last === undefined) return 'none';
  if (last - first === values.length - 1 && values.length > 3) return `${first}..${last}`;
  return values.length > 8 ? `${values.slice(0, 6).join(', ')}, … ${last}` : values.join(', ');
}

/**
 * Classes for numeric labels 0..255 that may not start at 0 or may skip values (EMNIST Letters runs 1..26):
 * each distinct label becomes a class, in ascending order, named by the original label. The label arrays
 * are rewritten in place to class indices 0..n-1. When the labels already are 0..n-1 nothing changes and
 * `note` is null; otherwise `note` says how labels map to classes.
 */
export function classesFromNumericLabels(splits: readonly Uint8Array[]): { classNames: string[]; note: string | null } {
  const seen = new Uint8Array(256);
  for (const labels of splits) for (const l of labels) seen[l] = 1;
  const values: number[] = [];
  seen.forEach((v, l) => {
    if (v) values.push(l);
  });
  const classNames = values.map(String);
  if (values.every((v, i) => v === i)) return { classNames, note: null };
  const lut = new Uint8Array(256);
  values.forEach((v, i) => {
    lut[v] = i;
  });
  for (const labels of splits) for (let i = 0; i < labels.length; i++) labels[i] = lut[labels[i] ?? 0] ?? 0;
  const pairs = values.slice(0, 4).map((v, i) => `${v} → class ${i}`).join(', ');
  return {
    classNames,
    note: `labels ${describeValues(values)} are ${values.length} classes numbered 0..${values.length - 1}, each named by its original label (${pairs}${values.length > 4 ? ', …' : ''})`,
  };
}

/** Bytes the dataset will take in memory (pixels + labels), known from headers before the pixels are read. */
export function estimateDatasetBytes(shape: ImageShape, trainCount: number, testCount = 0): number {
  const count = trainCount + testCount;
  return count * shape.height * shape.width * shape.channels + count;
}

export interface DeviceLimits {
  /** Most bytes of pixels + labels the app accepts for one dataset on this device. */
  maxDatasetBytes: number;
}

/** A conservative default: the trainer keeps the dataset in memory in a worker and copies batches to the GPU. */
export const DEFAULT_DEVICE_LIMITS: DeviceLimits = { maxDatasetBytes: 1024 ** 3 };

/**
 * The limit for this device: a quarter of the memory the browser reports (navigator.deviceMemory, which
 * Chrome rounds and caps at 8 GiB), between 256 MiB and 2 GiB; the default where it reports nothing.
 */
export function deviceLimits(): DeviceLimits {
  const gib = (globalThis as { navigator?: { deviceMemory?: number } }).navigator?.deviceMemory;
  if (!gib || !Number.isFinite(gib)) return DEFAULT_DEVICE_LIMITS;
  return { maxDatasetBytes: Math.min(2 * 1024 ** 3, Math.max(256 * 1024 ** 2, (gib * 1024 ** 3) / 4)) };
}

function mib(n: number): string {
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

/** Throws a DatasetError if the estimate exceeds the device's limit. */
export function checkFitsDevice(estimateBytes: number, limits: DeviceLimits = DEFAULT_DEVICE_LIMITS, file = 'dataset'): void {
  if (estimateBytes > limits.maxDatasetBytes) {
    throw new DatasetError(file, `the dataset needs about ${mib(estimateBytes)} in memory, more than the ${mib(limits.maxDatasetBytes)} this device allows; use a subset or smaller images`);
  }
}

export function digitClassNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i));
}
