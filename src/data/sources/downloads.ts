// Datasets offered for download from public hosts that allow cross-origin reads, and the downloader itself.
import type { Dataset, ImageShape } from '../dataset.ts';
import { fetchFiles, type ByteProgress, type FetchFn, type RemoteFile } from './fetch-bytes.ts';
import { parseIdxDataset } from '../formats/idx.ts';
import { parseSprite } from '../formats/sprite.ts';
import { CIFAR10_CLASSES } from '../formats/cifar.ts';

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

export type DownloadSource = IdxDownload | SpriteDownload;

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

export const DOWNLOAD_SOURCES: readonly DownloadSource[] = [FASHION_MNIST, CIFAR10_SPRITE];

/**
 * The same source with every file fetched from `base` + the file's name instead of its real host (a local
 * server in tests, which serves the files in the real hosts' formats). The expected sizes are dropped, as the
 * test files are smaller.
 */
export function withDownloadBase(source: DownloadSource, base: string): DownloadSource {
  const at = (f: RemoteFile): RemoteFile => ({ name: f.name, url: new URL(f.name, base.endsWith('/') ? base : `${base}/`).href });
  if (source.format === 'sprite') return { ...source, host: new URL(base).host, image: at(source.image), labels: at(source.labels) };
  const { trainImages, trainLabels, testImages, testLabels } = source.files;
  return { ...source, host: new URL(base).host, files: { trainImages: at(trainImages), trainLabels: at(trainLabels), testImages: at(testImages), testLabels: at(testLabels) } };
}

function remoteFiles(s: DownloadSource): RemoteFile[] {
  return s.format === 'idx' ? [s.files.trainImages, s.files.trainLabels, s.files.testImages, s.files.testLabels] : [s.image, s.labels];
}

/**
 * Downloads and parses a dataset. Network, HTTP and CORS failures become a DatasetError that names the host and
 * points to upload; an abort through `signal` rejects with the abort reason unchanged.
 */
export async function downloadDataset(source: DownloadSource, fetchFn: FetchFn = (u, i) => fetch(u, i), onProgress?: (p: ByteProgress) => void, signal?: AbortSignal): Promise<Dataset> {
  const hint = {
    network: `${source.host} may be unreachable or may not allow cross-origin requests (CORS) from this page; download the files from ${source.homepage} yourself and add them with "Upload"`,
  };
  const bytes = await fetchFiles(remoteFiles(source), fetchFn, hint, onProgress, signal);
  const [a = new Uint8Array(), b = new Uint8Array(), c, d] = bytes;
  if (source.format === 'sprite') {
    return parseSprite(a, b, { id: source.id, name: source.name, shape: source.shape, classNames: source.classNames, trainCount: source.trainCount });
  }
  return parseIdxDataset(
    { trainImages: a, trainLabels: b, testImages: c, testLabels: d },
    { id: source.id, name: source.name, source: 'download', classNames: source.classNames },
  );
}
