// Datasets offered for download from public hosts that allow cross-origin reads, and the downloader itself.
import type { Dataset, ImageShape } from '../dataset.ts';
import { UnreachableError, fetchFiles, type ByteProgress, type FetchFn, type RemoteFile } from './fetch-bytes.ts';
import { parseIdxDataset } from '../formats/idx.ts';
import { parseSprite } from '../formats/sprite.ts';
import { CIFAR10_CLASSES, parseCifar } from '../formats/cifar.ts';

interface DownloadBase {
  id: string;
  name: string;
  shape: ImageShape;
  classNames: string[];
  /** The host the browser fetches from, shown to the user. */
  host: string;
  licence: string;
  /** Where the user can get the files by hand when the download fails. */
  homepage: string;
  /**
   * The same data from another host, tried only when this source's host cannot be reached at all (network
   * failure or a refused cross-origin read), never after an HTTP error or a damaged file.
   */
  fallback?: DownloadSource;
}

/** Four IDX files (gzipped) forming a train and a test split. */
export interface IdxDownload extends DownloadBase {
  format: 'idx';
  files: { trainImages: RemoteFile; trainLabels: RemoteFile; testImages: RemoteFile; testLabels: RemoteFile };
}

/** A TF.js sprite PNG (one image per row) plus one-hot uint8 labels. */
export interface SpriteDownload extends DownloadBase {
  format: 'sprite';
  image: RemoteFile;
  labels: RemoteFile;
  trainCount: number;
}

/** A CIFAR binary archive (`cifar-10-binary.tar.gz`: data_batch_1..5.bin, test_batch.bin, batches.meta.txt). */
export interface CifarArchiveDownload extends DownloadBase {
  format: 'cifar-archive';
  archive: RemoteFile;
}

export type DownloadSource = IdxDownload | SpriteDownload | CifarArchiveDownload;

const FASHION_RAW = 'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/';

function gz(name: string, expectedBytes: number): RemoteFile {
  return { name: `${name}.gz`, url: `${FASHION_RAW}${name}.gz`, expectedBytes };
}

export const FASHION_MNIST: IdxDownload = {
  id: 'fashion-mnist',
  name: 'Fashion-MNIST',
  format: 'idx',
  shape: { height: 28, width: 28, channels: 1 },
  classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  host: 'raw.githubusercontent.com',
  licence: 'MIT, © 2017 Zalando SE',
  homepage: 'https://github.com/zalandoresearch/fashion-mnist',
  files: {
    trainImages: gz('train-images-idx3-ubyte', 26_421_880),
    trainLabels: gz('train-labels-idx1-ubyte', 29_515),
    testImages: gz('t10k-images-idx3-ubyte', 4_422_102),
    testLabels: gz('t10k-labels-idx1-ubyte', 5_148),
  },
};

const LEARNJS = 'https://storage.googleapis.com/learnjs-data/model-builder/';

/** The TF.js examples' re-encoding of CIFAR-10, read where the authors' host refuses cross-origin reads. */
export const CIFAR10_SPRITE: SpriteDownload = {
  id: 'cifar10',
  name: 'CIFAR-10',
  format: 'sprite',
  shape: { height: 32, width: 32, channels: 3 },
  classNames: [...CIFAR10_CLASSES],
  host: 'storage.googleapis.com (TF.js learnjs-data bucket)',
  licence: 'no explicit licence; cite Krizhevsky, "Learning Multiple Layers of Features from Tiny Images", 2009',
  homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
  image: { name: 'cifar10_images.png', url: `${LEARNJS}cifar10_images.png` },
  labels: { name: 'cifar10_labels_uint8', url: `${LEARNJS}cifar10_labels_uint8`, expectedBytes: 600_000 },
  trainCount: 50_000,
};

/** CIFAR-10 as its authors publish it: the binary version's gzipped tar (170,052,171 bytes). */
export const CIFAR10: CifarArchiveDownload = {
  id: 'cifar10',
  name: 'CIFAR-10',
  format: 'cifar-archive',
  shape: { height: 32, width: 32, channels: 3 },
  classNames: [...CIFAR10_CLASSES],
  host: 'www.cs.toronto.edu',
  licence: CIFAR10_SPRITE.licence,
  homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
  archive: { name: 'cifar-10-binary.tar.gz', url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', expectedBytes: 170_052_171 },
  fallback: CIFAR10_SPRITE,
};

export const DOWNLOAD_SOURCES: readonly DownloadSource[] = [FASHION_MNIST, CIFAR10];

/**
 * The same source with every file fetched from `base` + the file's name instead of its real host (a local
 * server in Node tests, which serves the files in the real hosts' formats). The expected sizes are dropped, as
 * the test files are smaller, and so is the fallback.
 */
export function withDownloadBase(source: DownloadSource, base: string): DownloadSource {
  const at = (f: RemoteFile): RemoteFile => ({ name: f.name, url: new URL(f.name, base.endsWith('/') ? base : `${base}/`).href });
  const { fallback: _fallback, ...rest } = source;
  const host = new URL(base).host;
  if (rest.format === 'sprite') return { ...rest, host, image: at(rest.image), labels: at(rest.labels) };
  if (rest.format === 'cifar-archive') return { ...rest, host, archive: at(rest.archive) };
  const { trainImages, trainLabels, testImages, testLabels } = rest.files;
  return { ...rest, host, files: { trainImages: at(trainImages), trainLabels: at(trainLabels), testImages: at(testImages), testLabels: at(testLabels) } };
}

function remoteFiles(s: DownloadSource): RemoteFile[] {
  if (s.format === 'idx') return [s.files.trainImages, s.files.trainLabels, s.files.testImages, s.files.testLabels];
  return s.format === 'sprite' ? [s.image, s.labels] : [s.archive];
}

async function downloadFrom(source: DownloadSource, fetchFn: FetchFn, onProgress?: (p: ByteProgress) => void, signal?: AbortSignal): Promise<Dataset> {
  const hint = {
    network: `${source.host} may be unreachable or may not allow cross-origin requests (CORS) from this page; download the files from ${source.homepage} yourself and add them with "Upload"`,
  };
  const bytes = await fetchFiles(remoteFiles(source), fetchFn, hint, onProgress, signal);
  const [a = new Uint8Array(), b = new Uint8Array(), c, d] = bytes;
  if (source.format === 'sprite') {
    return parseSprite(a, b, { id: source.id, name: source.name, shape: source.shape, classNames: source.classNames, trainCount: source.trainCount });
  }
  if (source.format === 'cifar-archive') {
    return parseCifar([{ name: source.archive.name, bytes: a }], { id: source.id, name: source.name, source: 'download' }, { variant: 'cifar10' });
  }
  return parseIdxDataset(
    { trainImages: a, trainLabels: b, testImages: c, testLabels: d },
    { id: source.id, name: source.name, source: 'download', classNames: source.classNames },
  );
}

/**
 * Downloads and parses a dataset. Network, HTTP and CORS failures become a DatasetError that names the file
 * and host and points to upload; a damaged file is refused by the parser, naming it. When the host cannot be
 * reached at all and the source has a `fallback`, the fallback is downloaded instead and a note says so. An
 * abort through `signal` rejects with the abort reason unchanged.
 */
export async function downloadDataset(source: DownloadSource, fetchFn: FetchFn = (u, i) => fetch(u, i), onProgress?: (p: ByteProgress) => void, signal?: AbortSignal): Promise<Dataset> {
  try {
    return await downloadFrom(source, fetchFn, onProgress, signal);
  } catch (e) {
    if (!(e instanceof UnreachableError) || !source.fallback || signal?.aborted) throw e;
    const dataset = await downloadFrom(source.fallback, fetchFn, onProgress, signal);
    const why = `${e.file} could not be fetched from ${source.host} (${e.detail}); the same images were fetched from ${source.fallback.host} instead`;
    return { ...dataset, notes: [why, ...(dataset.notes ?? [])] };
  }
}
