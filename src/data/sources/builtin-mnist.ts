// Loads the built-in MNIST from the app's own origin (served by src/build/builtin-mnist-plugin.ts) and parses it.
import type { Dataset } from '../dataset.ts';
import { fetchFiles, type ByteProgress, type FetchFn } from './fetch-bytes.ts';
import { parseIdxDataset } from '../formats/idx.ts';
import { digitClassNames } from '../validate.ts';

/** The four files and their sizes (the canonical uncompressed IDX files). */
export const BUILTIN_MNIST_FILES = [
  { name: 'train-images-idx3-ubyte', bytes: 47_040_016 },
  { name: 'train-labels-idx1-ubyte', bytes: 60_008 },
  { name: 't10k-images-idx3-ubyte', bytes: 7_840_016 },
  { name: 't10k-labels-idx1-ubyte', bytes: 10_008 },
] as const;

function defaultBaseUrl(): string {
  // import.meta.env is Vite's; the headless CLI has none and passes its own base URL.
  const base = (import.meta.env as ImportMetaEnv | undefined)?.BASE_URL ?? '/';
  return `${base.endsWith('/') ? base : `${base}/`}data/mnist/`;
}

export interface BuiltinMnistOptions {
  /** Folder URL holding the four files; default `<Vite BASE_URL>data/mnist/`. */
  baseUrl?: string;
  signal?: AbortSignal;
}

export async function loadBuiltinMnist(fetchFn: FetchFn = (u, i) => fetch(u, i), onProgress?: (p: ByteProgress) => void, options: BuiltinMnistOptions = {}): Promise<Dataset> {
  const base = options.baseUrl ?? defaultBaseUrl();
  const files = BUILTIN_MNIST_FILES.map((f) => ({ name: f.name, url: `${base}${f.name}`, expectedBytes: f.bytes }));
  const hint = { network: 'the built-in MNIST files should be served by this app itself; check that the server (npm start or the built site) includes /data/mnist/' };
  const [trainImages, trainLabels, testImages, testLabels] = await fetchFiles(files, fetchFn, hint, onProgress, options.signal);
  return parseIdxDataset(
    { trainImages: trainImages ?? new Uint8Array(), trainLabels: trainLabels ?? new Uint8Array(), testImages, testLabels },
    { id: 'mnist', name: 'MNIST', source: 'builtin', classNames: digitClassNames(10) },
  );
}
