// Parser for CIFAR-10 and CIFAR-100 binary batches: fixed-size records of label byte(s) + 3072 CHW pixels.
import type { Dataset, DatasetSource, DatasetSplit } from './dataset.ts';
import { DatasetError } from './errors.ts';
import { maybeGunzip } from './gzip.ts';
import { assembleDataset, digitClassNames } from './validate.ts';

export type CifarVariant = 'cifar10' | 'cifar100';

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
export const CIFAR100_COARSE_CLASSES = [
  'aquatic mammals', 'fish', 'flowers', 'food containers', 'fruit and vegetables', 'household electrical devices',
  'household furniture', 'insects', 'large carnivores', 'large man-made outdoor things', 'large natural outdoor scenes',
  'large omnivores and herbivores', 'medium-sized mammals', 'non-insect invertebrates', 'people', 'reptiles',
  'small mammals', 'trees', 'vehicles 1', 'vehicles 2',
];

const PIXELS = 32 * 32 * 3;
const PLANE = 32 * 32;

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

export interface CifarOptions {
  /** 'auto' picks from the file sizes (multiples of 3073 or 3074 bytes). */
  variant?: CifarVariant | 'auto';
  /** CIFAR-100 only: train on the 100 fine labels (default) or the 20 coarse ones. */
  labels?: 'fine' | 'coarse';
}

function recordSize(v: CifarVariant): number {
  return v === 'cifar10' ? 1 + PIXELS : 2 + PIXELS;
}

function detectVariant(files: NamedBytes[]): CifarVariant {
  const fits = (v: CifarVariant): boolean => files.every((f) => f.bytes.length > 0 && f.bytes.length % recordSize(v) === 0);
  const ten = fits('cifar10');
  const hundred = fits('cifar100');
  if (ten && !hundred) return 'cifar10';
  if (hundred && !ten) return 'cifar100';
  const sizes = files.map((f) => `${f.name}: ${f.bytes.length} bytes`).join(', ');
  if (ten && hundred) throw new DatasetError(files[0]?.name ?? 'CIFAR', `the file sizes fit both CIFAR-10 and CIFAR-100 records (${sizes}); choose the variant`);
  throw new DatasetError(files[0]?.name ?? 'CIFAR', `not CIFAR binary batches: every file must be a whole number of 3073-byte (CIFAR-10) or 3074-byte (CIFAR-100) records (${sizes})`);
}

/** Converts the records of one or more batch files (concatenated) into an NHWC split. */
export function parseCifarRecords(files: NamedBytes[], variant: CifarVariant, labelByte: 0 | 1, numClasses: number): DatasetSplit {
  const size = recordSize(variant);
  let count = 0;
  for (const f of files) {
    if (f.bytes.length % size !== 0) {
      throw new DatasetError(f.name, `${f.bytes.length} bytes is not a whole number of ${size}-byte ${variant === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'} records (${Math.floor(f.bytes.length / size)} records and ${f.bytes.length % size} bytes left over)`);
    }
    count += f.bytes.length / size;
  }
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let i = 0;
  for (const f of files) {
    const b = f.bytes;
    for (let off = 0; off < b.length; off += size, i++) {
      const label = b[off + labelByte] ?? 0;
      if (label >= numClasses) throw new DatasetError(f.name, `label ${label} of record ${off / size} is out of range (expected 0..${numClasses - 1})`);
      labels[i] = label;
      const src = off + size - PIXELS;
      const dst = i * PIXELS;
      for (let p = 0; p < PLANE; p++) {
        images[dst + p * 3] = b[src + p] ?? 0;
        images[dst + p * 3 + 1] = b[src + PLANE + p] ?? 0;
        images[dst + p * 3 + 2] = b[src + 2 * PLANE + p] ?? 0;
      }
    }
  }
  return { images, labels, count };
}

/** True for the batch the CIFAR archives hold out for testing (`test_batch.bin`, `test.bin`). */
export function isCifarTestFile(name: string): boolean {
  const base = name.split('/').pop() ?? name;
  return /^test/i.test(base);
}

/** Parses CIFAR batch files (raw or gzipped) into a Dataset; files named test* form the test split. */
export function parseCifar(files: NamedBytes[], meta: { id: string; name: string; source: DatasetSource }, options: CifarOptions = {}): Dataset {
  if (files.length === 0) throw new DatasetError(meta.name, 'no CIFAR batch files were given');
  const raw = files.map((f) => ({ name: f.name, bytes: maybeGunzip(f.bytes, f.name) }));
  const variant = !options.variant || options.variant === 'auto' ? detectVariant(raw) : options.variant;
  const coarse = variant === 'cifar100' && options.labels === 'coarse';
  const classNames = variant === 'cifar10' ? CIFAR10_CLASSES : coarse ? CIFAR100_COARSE_CLASSES : digitClassNames(100);
  const labelByte: 0 | 1 = variant === 'cifar100' && !coarse ? 1 : 0;
  const trainFiles = raw.filter((f) => !isCifarTestFile(f.name));
  const testFiles = raw.filter((f) => isCifarTestFile(f.name));
  if (trainFiles.length === 0) throw new DatasetError(meta.name, 'only test batches were given; at least one training batch (e.g. data_batch_1.bin) is needed');
  const train = parseCifarRecords(trainFiles, variant, labelByte, classNames.length);
  const test = testFiles.length > 0 ? parseCifarRecords(testFiles, variant, labelByte, classNames.length) : null;
  return assembleDataset({ ...meta, shape: { height: 32, width: 32, channels: 3 }, classNames: [...classNames], train, test });
}
