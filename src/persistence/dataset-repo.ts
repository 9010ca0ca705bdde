// Cached datasets: a small summary record for the picker and the pixels stored once, as typed arrays, in
// a separate store under the same id.

import { summarizeDataset, type Dataset, type DatasetSummary } from '../data/dataset.ts';
import type { PetridishDb } from './db.ts';
import {
  datasetBlobRecordSchema,
  datasetMetaRecordSchema,
  type RecordProblem,
  type ReadList,
  type ReadOne,
} from './records.ts';
import { checkRecord, readList, writeTx } from './repo-helpers.ts';
import { errorText } from './db.ts';

/** Stores (or replaces) the dataset; summary and pixels are written together. */
export async function putDataset(db: PetridishDb, dataset: Dataset, storedAt: number = Date.now()): Promise<DatasetSummary> {
  const summary = summarizeDataset(dataset);
  const tx = db.transaction(['datasets', 'datasetBlobs'], 'readwrite');
  await writeTx(tx, `dataset "${dataset.name}" (${summary.bytes} bytes)`, async () => {
    await tx.objectStore('datasetBlobs').put({ id: dataset.id, train: dataset.train, test: dataset.test });
    await tx.objectStore('datasets').put({ id: dataset.id, summary, storedAt });
  });
  return summary;
}

export async function getDataset(db: PetridishDb, id: string): Promise<ReadOne<Dataset>> {
  const problems: RecordProblem[] = [];
  try {
    const tx = db.transaction(['datasets', 'datasetBlobs']);
    const [metaRaw, blobRaw] = await Promise.all([tx.objectStore('datasets').get(id), tx.objectStore('datasetBlobs').get(id)]);
    if (metaRaw === undefined) return { record: null, problems };
    const meta = checkRecord('datasets', id, metaRaw, datasetMetaRecordSchema, problems);
    if (blobRaw === undefined) problems.push({ store: 'datasetBlobs', key: id, message: 'the pixels of this dataset are missing' });
    const blob = blobRaw === undefined ? null : checkRecord('datasetBlobs', id, blobRaw, datasetBlobRecordSchema, problems);
    if (!meta || !blob) return { record: null, problems };
    const { summary } = meta;
    const record: Dataset = {
      id,
      name: summary.name,
      source: summary.source,
      shape: summary.shape,
      numClasses: summary.numClasses,
      classNames: summary.classNames,
      train: blob.train,
      test: blob.test,
    };
    return { record, problems };
  } catch (e) {
    problems.push({ store: 'datasets', key: id, message: `could not read the dataset: ${errorText(e)}` });
    return { record: null, problems };
  }
}

/** Summaries of every cached dataset, without touching the pixels. */
export async function listDatasets(db: PetridishDb): Promise<ReadList<DatasetSummary>> {
  const metas = await readList('datasets', datasetMetaRecordSchema, async () => {
    const tx = db.transaction('datasets');
    return Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
  });
  return { records: metas.records.map((m) => m.summary), problems: metas.problems };
}

export async function deleteDataset(db: PetridishDb, id: string): Promise<void> {
  const tx = db.transaction(['datasets', 'datasetBlobs'], 'readwrite');
  await writeTx(tx, `deleting dataset ${id}`, async () => {
    await Promise.all([tx.objectStore('datasets').delete(id), tx.objectStore('datasetBlobs').delete(id)]);
  });
}
