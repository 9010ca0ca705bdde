// Makes sure a dataset is in IndexedDB before a run uses it: the built-in MNIST is fetched from the app's
// own origin and parsed once; from then on the workers read it from IndexedDB by id.
import type { DatasetSummary } from '../data/dataset.ts';
import { summarizeDataset } from '../data/dataset.ts';
import { loadBuiltinMnist } from '../data/builtin-mnist.ts';
import type { PetridishDb } from '../persistence/db.ts';
import { listDatasets, putDataset } from '../persistence/dataset-repo.ts';

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
