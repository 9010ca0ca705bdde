// The catalogue the dataset picker shows: the built-in dataset, the downloads, and the upload formats.
import type { ImageShape } from '../dataset.ts';
import { DOWNLOAD_SOURCES, type DownloadSource } from './downloads.ts';

export type UploadFormat = 'idx' | 'cifar' | 'csv' | 'image-folder' | 'image-zip';

export interface BuiltinEntry {
  kind: 'builtin';
  id: 'mnist';
  name: string;
  description: string;
  shape: ImageShape;
  numClasses: number;
  trainCount: number;
  testCount: number;
  licence: string;
}

export interface DownloadEntry {
  kind: 'download';
  id: string;
  name: string;
  description: string;
  source: DownloadSource;
}

export interface UploadEntry {
  kind: 'upload';
  format: UploadFormat;
  name: string;
  description: string;
  /** Value for the file input's `accept` attribute. */
  accept: string;
  multiple: boolean;
  /** Pick a folder (`webkitdirectory`) rather than files. */
  directory: boolean;
}

export type CatalogueEntry = BuiltinEntry | DownloadEntry | UploadEntry;

export const BUILTIN_MNIST_ENTRY: BuiltinEntry = {
  kind: 'builtin',
  id: 'mnist',
  name: 'MNIST',
  description: 'Handwritten digits, 28×28 grayscale, served by this app (no download).',
  shape: { height: 28, width: 28, channels: 1 },
  numClasses: 10,
  trainCount: 60_000,
  testCount: 10_000,
  licence: 'LeCun, Cortes and Burges; commonly cited as CC BY-SA 3.0',
};

const DOWNLOAD_DESCRIPTIONS: Record<string, string> = {
  'fashion-mnist': 'Zalando clothing images, 28×28 grayscale, 60,000 + 10,000 (about 31 MB).',
  cifar10: 'Small colour photos, 32×32 RGB, 50,000 + 10,000 (the authors\' binary archive, about 170 MB).',
};

export const UPLOAD_ENTRIES: readonly UploadEntry[] = [
  { kind: 'upload', format: 'idx', name: 'IDX files', description: 'An images file and a labels file (idx3/idx1, optionally .gz), and optionally a test pair.', accept: '.gz,.idx,.idx1-ubyte,.idx3-ubyte,application/octet-stream', multiple: true, directory: false },
  { kind: 'upload', format: 'cifar', name: 'CIFAR binary batches', description: 'CIFAR-10 or CIFAR-100 .bin batches, or the binary archive as downloaded (cifar-10-binary.tar.gz); test_batch.bin becomes the test split.', accept: '.bin,.gz,.tgz,.tar', multiple: true, directory: false },
  { kind: 'upload', format: 'csv', name: 'CSV of pixels', description: 'One image per row plus a label column; you give the image shape.', accept: '.csv,.gz,text/csv', multiple: false, directory: false },
  { kind: 'upload', format: 'image-folder', name: 'Folder of images', description: 'One sub-folder per class (class/image.png); resized to the size you choose.', accept: 'image/*', multiple: true, directory: true },
  { kind: 'upload', format: 'image-zip', name: 'Zip of images', description: 'A .zip with one folder per class (class/image.png).', accept: '.zip,application/zip', multiple: false, directory: false },
];

export const DATASET_CATALOGUE: readonly CatalogueEntry[] = [
  BUILTIN_MNIST_ENTRY,
  ...DOWNLOAD_SOURCES.map((s): DownloadEntry => ({ kind: 'download', id: s.id, name: s.name, description: DOWNLOAD_DESCRIPTIONS[s.id] ?? s.name, source: s })),
  ...UPLOAD_ENTRIES,
];
