// What the dataset worker does, as plain functions over bytes and IndexedDB: parse an upload in any supported
// format (validated by the parsers), download a catalogue dataset, and build the picker's preview (counts per
// class and a few example images). Kept out of the worker file so it runs in Node tests too.
import { parseCifar, type CifarOptions } from '../../data/formats/cifar.ts';
import { parseCsv, type CsvOptions } from '../../data/formats/csv.ts';
import type { Dataset, DatasetSummary, ImageShape } from '../../data/dataset.ts';
import { summarizeDataset } from '../../data/dataset.ts';
import { DOWNLOAD_SOURCES, downloadDataset, withDownloadBase } from '../../data/sources/downloads.ts';
import { DatasetError } from '../../data/errors.ts';
import type { ByteProgress, FetchFn } from '../../data/sources/fetch-bytes.ts';
import { parseIdxDataset, peekIdxHeader } from '../../data/formats/idx.ts';
import { entriesFromZip, loadImageFolder, type ImageDecoder, type ImageEntry } from '../../data/formats/image-folder.ts';
import type { UploadFormat } from '../../data/sources/sources.ts';
import { indicesPerClass, labelHistogram } from '../../data/stats.ts';
import { syntheticDataset, type SyntheticSpec } from '../../data/sources/synthetic.ts';
import { checkFitsDevice, deviceLimits, estimateDatasetBytes, type DeviceLimits } from '../../data/validate.ts';
import type { PetridishDb } from '../../persistence/database/db.ts';
import { getDataset, putDataset } from '../../persistence/repositories/dataset-repo.ts';

/** One picked file; `path` keeps the folder-relative path (lost when a File crosses to a worker). */
export interface UploadFile {
  path: string;
  file: Blob;
}

export type UploadOptions =
  | { format: 'idx' }
  | { format: 'cifar'; cifar: CifarOptions }
  | { format: 'csv'; csv: CsvOptions }
  | { format: 'image-folder' | 'image-zip'; size: { height: number; width: number; channels: 1 | 3 } };

export interface UploadRequest {
  id: string;
  name: string;
  files: UploadFile[];
  options: UploadOptions;
}

export interface ImportProgress {
  phase: 'read' | 'download' | 'parse' | 'decode' | 'store';
  loaded: number;
  total: number;
}

export interface DatasetPreview {
  summary: DatasetSummary;
  trainPerClass: number[];
  testPerClass: number[];
  /** Up to `perClass` example images per class, each height × width × channels bytes. */
  examples: { label: number; pixels: Uint8Array }[];
  shape: ImageShape;
}

async function bytesOf(f: UploadFile): Promise<Uint8Array> {
  return new Uint8Array(await f.file.arrayBuffer());
}

async function headOf(f: UploadFile, n = 4096): Promise<Uint8Array> {
  return new Uint8Array(await f.file.slice(0, n).arrayBuffer());
}

/**
 * Refuses a dataset too large for this device from what can be known before reading everything: IDX
 * headers announce their counts and image shape; CIFAR batches are as large as their pixels; a CSV of pixels
 * needs at least two characters ("0,") per value.
 */
async function checkUploadSize(req: UploadRequest, limits: DeviceLimits): Promise<void> {
  const opts = req.options;
  if (opts.format === 'idx') {
    for (const f of req.files) {
      const h = peekIdxHeader(await headOf(f), f.path);
      if (h.shape) checkFitsDevice(estimateDatasetBytes(h.shape, h.count), limits, f.path);
    }
    return;
  }
  const total = req.files.reduce((n, f) => n + f.file.size, 0);
  if (opts.format === 'cifar') checkFitsDevice(total, limits, req.name);
  if (opts.format === 'csv') checkFitsDevice(total / 2, limits, req.name);
}

/**
 * IDX: two or four files. Which file is which comes from its header (images or labels); a name containing
 * "t10k" or "test" marks the test pair.
 */
async function parseIdxUpload(req: UploadRequest): Promise<Dataset> {
  if (req.files.length !== 2 && req.files.length !== 4) {
    throw new DatasetError(req.name, `IDX upload needs 2 files (images and labels) or 4 (plus a test pair), got ${req.files.length}`);
  }
  const slots: Partial<Record<'trainImages' | 'trainLabels' | 'testImages' | 'testLabels', Uint8Array>> = {};
  const names: Partial<Record<keyof typeof slots, string>> = {};
  for (const f of req.files) {
    const bytes = await bytesOf(f);
    const header = peekIdxHeader(bytes.subarray(0, 4096), f.path);
    const test: boolean = req.files.length === 4 && /t10k|test/i.test(f.path);
    const key = ((test ? 'test' : 'train') + (header.kind === 'images' ? 'Images' : 'Labels')) as keyof typeof slots;
    if (slots[key]) throw new DatasetError(f.path, `a second ${test ? 'test' : 'training'} ${header.kind} file; expected one of each`);
    slots[key] = bytes;
    names[key] = f.path;
  }
  if (!slots.trainImages || !slots.trainLabels) {
    throw new DatasetError(req.name, `IDX upload needs one images file (idx3) and one labels file (idx1); got ${req.files.map((f) => f.path).join(', ')}`);
  }
  return parseIdxDataset({ trainImages: slots.trainImages, trainLabels: slots.trainLabels, testImages: slots.testImages, testLabels: slots.testLabels, names }, { id: req.id, name: req.name, source: 'upload' });
}

/** The name of what the user chose: the one file, the picked folder, or the files (abridged past three). */
export function chosenName(req: UploadRequest): string {
  const tops = [...new Set(req.files.map((f) => (req.options.format === 'image-folder' && f.path.includes('/') ? (f.path.split('/')[0] ?? f.path) : f.path)))];
  if (tops.length === 0) return req.name;
  return tops.length > 3 ? `${tops.slice(0, 3).join(', ')} and ${tops.length - 3} more` : tops.join(', ');
}

/**
 * Makes every upload error start with the name of the file the user chose: an error that names one of the
 * chosen files (or a path inside the chosen folder) already does; one that names the dataset, or a file
 * inside a zip, gets the chosen file's name in front.
 */
function fromChosenFile(e: unknown, req: UploadRequest): unknown {
  if (!(e instanceof DatasetError)) return e;
  const chosen = chosenName(req);
  const names = req.files.map((f) => f.path);
  if (req.options.format !== 'image-zip' && names.some((n) => e.file === n || e.file.startsWith(`${n}/`))) return e;
  if (e.file === chosen || e.file.startsWith(`${chosen}:`)) return e;
  const rest = e.file === req.name ? '' : e.file.startsWith(`${req.name} `) ? e.file.slice(req.name.length + 1) : e.file;
  return new DatasetError(chosen, rest ? `${rest}: ${e.problem}` : e.problem, { cause: e });
}

/**
 * Parses and validates an upload; image formats are decoded with `decode` (the browser's decoder by default).
 * Every DatasetError it throws starts with the name of the file the user chose (see fromChosenFile).
 */
export async function parseUpload(req: UploadRequest, onProgress?: (p: ImportProgress) => void, decode?: ImageDecoder, limits: DeviceLimits = deviceLimits()): Promise<Dataset> {
  try {
    return await parseUploadFiles(req, onProgress, decode, limits);
  } catch (e) {
    throw fromChosenFile(e, req);
  }
}

async function parseUploadFiles(req: UploadRequest, onProgress: ((p: ImportProgress) => void) | undefined, decode: ImageDecoder | undefined, limits: DeviceLimits): Promise<Dataset> {
  if (req.files.length === 0) throw new DatasetError(req.name, 'no files were chosen');
  await checkUploadSize(req, limits);
  const meta = { id: req.id, name: req.name, source: 'upload' as const };
  const opts = req.options;
  onProgress?.({ phase: 'parse', loaded: 0, total: 0 });
  switch (opts.format) {
    case 'idx':
      return parseIdxUpload(req);
    case 'cifar':
      return parseCifar(await Promise.all(req.files.map(async (f) => ({ name: f.path, bytes: await bytesOf(f) }))), meta, opts.cifar);
    case 'csv': {
      const [first] = req.files;
      if (!first || req.files.length > 1) throw new DatasetError(req.name, `CSV upload takes exactly one file, got ${req.files.length}`);
      return parseCsv(await bytesOf(first), opts.csv, meta, first.path);
    }
    case 'image-folder':
    case 'image-zip': {
      let entries: ImageEntry[] = req.files.map((f) => ({ path: f.path, blob: f.file }));
      if (opts.format === 'image-zip') {
        const [zip] = req.files;
        if (!zip || req.files.length > 1) throw new DatasetError(req.name, `zip upload takes exactly one .zip file, got ${req.files.length}`);
        entries = entriesFromZip(await bytesOf(zip), zip.path);
      } else {
        // A picked folder's paths start with the folder's own name; the classes are the level below it.
        entries = entries.map((e) => ({ ...e, path: e.path.includes('/') ? e.path.slice(e.path.indexOf('/') + 1) : e.path }));
      }
      const onImage = (done: number, total: number): void => onProgress?.({ phase: 'decode', loaded: done, total });
      return loadImageFolder(entries, { id: req.id, name: req.name, ...opts.size, limits }, decode, onImage);
    }
  }
}

/** Parses, validates and stores an upload; nothing is written when any check fails. */
export async function importUpload(db: PetridishDb, req: UploadRequest, onProgress?: (p: ImportProgress) => void, decode?: ImageDecoder): Promise<DatasetSummary> {
  const dataset = await parseUpload(req, onProgress, decode);
  onProgress?.({ phase: 'store', loaded: 0, total: 0 });
  return putDataset(db, dataset);
}

/**
 * Downloads a catalogue dataset (Fashion-MNIST, CIFAR-10) and stores it, so later visits read IndexedDB.
 * `base`, for tests only, fetches the files from that URL instead of the real host (see withDownloadBase).
 */
export async function importDownload(db: PetridishDb, sourceId: string, onProgress?: (p: ImportProgress) => void, fetchFn?: FetchFn, base?: string): Promise<DatasetSummary> {
  const found = DOWNLOAD_SOURCES.find((s) => s.id === sourceId);
  if (!found) throw new Error(`no downloadable dataset "${sourceId}" (known: ${DOWNLOAD_SOURCES.map((s) => s.id).join(', ')})`);
  const source = base ? withDownloadBase(found, base) : found;
  const progress = (p: ByteProgress): void => onProgress?.({ phase: 'download', loaded: p.loaded, total: p.total ?? 0 });
  const dataset = await downloadDataset(source, fetchFn, progress);
  onProgress?.({ phase: 'store', loaded: 0, total: 0 });
  return putDataset(db, dataset);
}

/** Generates a synthetic dataset from a seed and stores it like an upload (the large-dataset test's input). */
export async function importSynthetic(db: PetridishDb, spec: SyntheticSpec, onProgress?: (p: ImportProgress) => void): Promise<DatasetSummary> {
  onProgress?.({ phase: 'parse', loaded: 0, total: 0 });
  const dataset = syntheticDataset(spec);
  onProgress?.({ phase: 'store', loaded: 0, total: 0 });
  return putDataset(db, dataset);
}

/** Counts per class and the first `perClass` images of each class, read from IndexedDB. */
export async function previewStored(db: PetridishDb, id: string, perClass = 4): Promise<DatasetPreview> {
  const { record, problems } = await getDataset(db, id);
  if (!record) throw new Error(`dataset "${id}" could not be read${problems.length ? `: ${problems.map((p) => p.message).join('; ')}` : ''}`);
  return previewOf(record, perClass);
}

export function previewOf(d: Dataset, perClass = 4): DatasetPreview {
  const per = d.shape.height * d.shape.width * d.shape.channels;
  const examples = indicesPerClass(d.train.labels, d.numClasses, perClass).flatMap((idx, label) =>
    idx.map((i) => ({ label, pixels: d.train.images.slice(i * per, (i + 1) * per) })));
  return {
    summary: summarizeDataset(d),
    trainPerClass: labelHistogram(d.train.labels, d.numClasses),
    testPerClass: d.test ? labelHistogram(d.test.labels, d.numClasses) : [],
    examples,
    shape: d.shape,
  };
}

/** The dataset worker's comlink API (workers/dataset.worker.ts). */
export interface DatasetWorkerApi {
  upload(dbName: string, req: UploadRequest, onProgress: (p: ImportProgress) => void): Promise<DatasetSummary>;
  download(dbName: string, sourceId: string, onProgress: (p: ImportProgress) => void): Promise<DatasetSummary>;
  preview(dbName: string, id: string, perClass: number): Promise<DatasetPreview>;
  synthetic(dbName: string, spec: SyntheticSpec, onProgress: (p: ImportProgress) => void): Promise<DatasetSummary>;
}

export type { UploadFormat };
