// Parser for CIFAR-10 and CIFAR-100 binary batches: fixed-size records of label byte(s) + 3072 CHW pixels.
import type { Dataset, DatasetSource, DatasetSplit } from '../dataset.ts';
import { DatasetError } from '../errors.ts';
import { maybeGunzip } from './gzip.ts';
import { isTarName, readTar } from './tar.ts';
import { assembleDataset, digitClassNames } from '../validate.ts';

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

/** The variant a file's name announces: CIFAR-10 ships data_batch_N.bin, CIFAR-100 train.bin and test.bin. */
function variantByName(name: string): CifarVariant | null {
  const base = (name.split('/').pop() ?? name).toLowerCase();
  if (/^(data|test)_batch/.test(base)) return 'cifar10';
  if (/^(train|test)\.bin/.test(base)) return 'cifar100';
  return null;
}

/**
 * The variant from the file sizes; a file that fits neither record size does not decide it (a truncated batch
 * among whole ones is then refused by name in parseCifarRecords). Names break a tie.
 */
function detectVariant(files: NamedBytes[]): CifarVariant {
  const fitCount = (v: CifarVariant): number => files.filter((f) => f.bytes.length > 0 && f.bytes.length % recordSize(v) === 0).length;
  const ten = fitCount('cifar10');
  const hundred = fitCount('cifar100');
  if (ten > hundred) return 'cifar10';
  if (hundred > ten) return 'cifar100';
  const named = files.map((f) => variantByName(f.name)).find((v) => v !== null);
  if (named) return named;
  const sizes = files.map((f) => `${f.name}: ${f.bytes.length} bytes`).join(', ');
  if (ten > 0) throw new DatasetError(files[0]?.name ?? 'CIFAR', `the file sizes fit both CIFAR-10 and CIFAR-100 records (${sizes}); choose the variant`);
  throw new DatasetError(files[0]?.name ?? 'CIFAR', `not CIFAR binary batches, or truncated: every file must be a whole number of 3073-byte (CIFAR-10) or 3074-byte (CIFAR-100) records (${sizes})`);
}

/** Converts the records of one or more batch files (concatenated) into an NHWC split. */
export function parseCifarRecords(files: NamedBytes[], variant: CifarVariant, labelByte: 0 | 1, numClasses: number): DatasetSplit {
  const size = recordSize(variant);
  let count = 0;
  for (const f of files) {
    const rest = f.bytes.length % size;
    if (rest !== 0 || f.bytes.length === 0) {
      const whole = Math.floor(f.bytes.length / size);
      const kind = variant === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100';
      throw new DatasetError(f.name, `truncated or not a ${kind} batch: ${f.bytes.length} bytes is ${whole} whole ${size}-byte records and ${rest} bytes over (the last record is ${size - rest} bytes short)`);
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

/** The class-name files the binary archives ship next to the batches (one name per line). */
const NAME_FILES: Record<string, 'cifar10' | 'fine' | 'coarse'> = {
  'batches.meta.txt': 'cifar10',
  'fine_label_names.txt': 'fine',
  'coarse_label_names.txt': 'coarse',
};

function nameFileKind(name: string): 'cifar10' | 'fine' | 'coarse' | undefined {
  return NAME_FILES[(name.split('/').pop() ?? name).toLowerCase()];
}

/** True for a file of an extracted CIFAR archive that holds no records (readme, the Python pickles' meta). */
function isIgnorable(name: string): boolean {
  const base = (name.split('/').pop() ?? name).toLowerCase();
  return base === 'readme.html' || base === 'meta' || base === 'batches.meta' || base.startsWith('.');
}

function readNames(f: NamedBytes, expected: number): string[] {
  const names = new TextDecoder().decode(f.bytes).split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (names.length !== expected) throw new DatasetError(f.name, `${names.length} class names, expected ${expected} (one per line)`);
  return names;
}

/**
 * The files of a tar archive (`cifar-10-binary.tar.gz` as its authors publish it), each named
 * `<archive>/<path inside it>` so an error names both; what was read and skipped is added to `notes`.
 */
function expandArchive(f: NamedBytes, notes: string[]): NamedBytes[] {
  const { files, skipped } = readTar(f.bytes, f.name);
  if (files.length === 0) throw new DatasetError(f.name, 'the archive holds no files');
  notes.push(`read ${files.length} files from ${f.name}: ${files.map((e) => e.name).join(', ')}`);
  if (skipped.length > 0) notes.push(`skipped in ${f.name}: ${skipped.join(', ')}`);
  return files.map((e) => ({ name: `${f.name}/${e.name}`, bytes: e.bytes }));
}

/**
 * Parses CIFAR batch files (raw or gzipped, or inside a tar archive such as cifar-10-binary.tar.gz) into a Dataset; files named test* form the test split. Class
 * names come from the archive's name files when given (batches.meta.txt, fine_label_names.txt,
 * coarse_label_names.txt), else CIFAR-10's known names, CIFAR-100's known coarse names, or for CIFAR-100's
 * fine labels the label numbers (with a note saying so). Other files from the archives (readme.html, the
 * Python version's pickled meta) are listed in the notes as skipped.
 */
export function parseCifar(given: NamedBytes[], meta: { id: string; name: string; source: DatasetSource }, options: CifarOptions = {}): Dataset {
  if (given.length === 0) throw new DatasetError(meta.name, 'no CIFAR batch files were given');
  const notes: string[] = [];
  const files = given.flatMap((f) => (isTarName(f.name) ? expandArchive(f, notes) : [f]));
  const nameFiles = files.filter((f) => nameFileKind(f.name) !== undefined);
  const skipped = files.filter((f) => nameFileKind(f.name) === undefined && isIgnorable(f.name));
  if (skipped.length > 0) notes.push(`skipped (no image records): ${skipped.map((f) => f.name).join(', ')}`);
  const batches = files.filter((f) => nameFileKind(f.name) === undefined && !isIgnorable(f.name));
  if (batches.length === 0) throw new DatasetError(meta.name, `no CIFAR batch files among ${files.map((f) => f.name).join(', ')}`);
  const raw = batches.map((f) => ({ name: f.name, bytes: maybeGunzip(f.bytes, f.name) }));
  const variant = !options.variant || options.variant === 'auto' ? detectVariant(raw) : options.variant;
  const coarse = variant === 'cifar100' && options.labels === 'coarse';
  const wanted = variant === 'cifar10' ? 'cifar10' : coarse ? 'coarse' : 'fine';
  const nameFile = nameFiles.find((f) => nameFileKind(f.name) === wanted);
  const known = variant === 'cifar10' ? CIFAR10_CLASSES : coarse ? CIFAR100_COARSE_CLASSES : null;
  const count = variant === 'cifar10' ? 10 : coarse ? 20 : 100;
  let classNames: readonly string[];
  if (nameFile) {
    classNames = readNames({ name: nameFile.name, bytes: maybeGunzip(nameFile.bytes, nameFile.name) }, count);
    notes.push(`class names from ${nameFile.name}`);
  } else if (known) classNames = known;
  else {
    classNames = digitClassNames(100);
    notes.push('CIFAR-100 fine classes are named by their label numbers 0..99; add fine_label_names.txt from the archive to name them');
  }
  const labelByte: 0 | 1 = variant === 'cifar100' && !coarse ? 1 : 0;
  const trainFiles = raw.filter((f) => !isCifarTestFile(f.name));
  const testFiles = raw.filter((f) => isCifarTestFile(f.name));
  if (trainFiles.length === 0) throw new DatasetError(meta.name, 'only test batches were given; at least one training batch (e.g. data_batch_1.bin) is needed');
  const train = parseCifarRecords(trainFiles, variant, labelByte, classNames.length);
  const test = testFiles.length > 0 ? parseCifarRecords(testFiles, variant, labelByte, classNames.length) : null;
  return assembleDataset({ ...meta, shape: { height: 32, width: 32, channels: 3 }, classNames: [...classNames], train, test, notes });
}
