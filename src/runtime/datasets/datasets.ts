// Makes sure a dataset is in IndexedDB before a run uses it: the built-in MNIST is fetched from the app's
// own origin and parsed once; from then on the workers read it from IndexedDB by id. Uploads and downloads
// are parsed in the dataset worker.
import * as Comlink from 'comlink';
import type { DatasetPreview, DatasetWorkerApi, ImportProgress, UploadRequest } from './dataset-import.ts';
import type { DatasetSummary } from '../../data/dataset.ts';
import { summarizeDataset } from '../../data/dataset.ts';
import { loadBuiltinMnist } from '../../data/sources/builtin-mnist.ts';
import type { PetridishDb } from '../../persistence/database/db.ts';
import { deleteDataset, listDatasets, putDataset } from '../../persistence/repositories/dataset-repo.ts';
import type { SyntheticSpec } from '../../data/sources/synthetic.ts';

export interface DatasetProgress {
  datasetId: string;
  phase: 'download' | 'parse' | 'store';
  loaded: number;
  total: number;
}

export async function ensureBuiltinDataset(db: PetridishDb, id: string, onProgress: (p: DatasetProgress) => void): Promise<DatasetSummary> {
  const stored = await listDatasets(db);
  const found = stored.records.find((d) => d.id === id);
  if (found) return found;
  if (id !== 'mnist') throw new Error(`dataset "${id}" is not stored in this browser; add it from the dataset picker first`);
  const dataset = await loadBuiltinMnist(undefined, (p) => onProgress({ datasetId: id, phase: 'download', loaded: p.loaded, total: p.total ?? 0 }));
  onProgress({ datasetId: id, phase: 'store', loaded: 0, total: 0 });
  await putDataset(db, dataset);
  return summarizeDataset(dataset);
}

/** The page's handle on the dataset worker: one worker, started on first use, kept for the page's life. */
let datasetWorker: Comlink.Remote<DatasetWorkerApi> | null = null;

function worker(): Comlink.Remote<DatasetWorkerApi> {
  datasetWorker ??= Comlink.wrap<DatasetWorkerApi>(new Worker(new URL('../../../workers/dataset.worker.ts', import.meta.url), { type: 'module', name: 'datasets' }));
  return datasetWorker;
}

/** Parses, validates and stores an upload in the dataset worker, so a big file never freezes the page. */
export function uploadDataset(dbName: string, req: UploadRequest, onProgress: (p: ImportProgress) => void): Promise<DatasetSummary> {
  return worker().upload(dbName, req, Comlink.proxy(onProgress));
}

/**
 * Downloads a catalogue dataset once and caches it in IndexedDB; when it is already stored nothing is fetched.
 * A failed or blocked download rejects with the downloader's message (host named, "Upload" suggested).
 */
export async function downloadCatalogueDataset(db: PetridishDb, dbName: string, sourceId: string, onProgress: (p: ImportProgress) => void): Promise<DatasetSummary> {
  const stored = (await listDatasets(db)).records.find((d) => d.id === sourceId);
  if (stored) return stored;
  return worker().download(dbName, sourceId, Comlink.proxy(onProgress));
}

/** Class counts and example images of a stored dataset, read in the worker. */
export function previewDataset(dbName: string, id: string, perClass = 4): Promise<DatasetPreview> {
  return worker().preview(dbName, id, perClass);
}

/** Generates and stores a synthetic dataset in the dataset worker (the large-dataset test hook). */
export function storeSyntheticDataset(dbName: string, spec: SyntheticSpec, onProgress: (p: ImportProgress) => void): Promise<DatasetSummary> {
  return worker().synthetic(dbName, spec, Comlink.proxy(onProgress));
}

/**
 * Deletes a stored dataset (summary and every chunk), freeing its storage. Runs that used it keep their
 * records and results; training or testing them again needs the dataset added again. The built-in MNIST is
 * fetched again from the app when next used.
 */
export async function removeDataset(db: PetridishDb, id: string): Promise<void> {
  await deleteDataset(db, id);
}
