// Cached datasets: a small summary record for the picker, and the pixels and labels stored in chunks of at most
// DATASET_CHUNK_BYTES in `datasetChunks`. Chromium refuses any single IndexedDB value over 133,169,152 bytes
// (and aborts the transaction), so a dataset as large as CIFAR-10 (184 MB) cannot be one record. Datasets stored
// before chunking (one `datasetBlobs` record each) stay readable.

import { summarizeDataset, type Dataset, type DatasetSplit, type DatasetSummary } from '../../data/dataset.ts';
import type { IDBPTransaction } from 'idb';
import type { PetridishDb, PetridishSchema } from '../database/db.ts';
import {
  datasetBlobRecordSchema,
  datasetMetaRecordSchema,
  type DatasetChunkLayout,
  type RecordProblem,
  type ReadList,
  type ReadOne,
} from '../database/records.ts';
import { checkRecord, checkWrite, readList } from './repo-helpers.ts';
import { errorText } from '../database/db.ts';
import { isQuotaError, mapQuotaError } from '../database/quota.ts';

/** 16 MiB: an eighth of Chromium's per-value limit, and small enough that a read adds little to peak memory. */
export const DATASET_CHUNK_BYTES = 16 * 1024 * 1024;

type SplitName = 'train' | 'test' | 'valid';
type PartName = `${SplitName}.${'images' | 'labels'}`;

function chunkKey(id: string, part: string, index: number): string {
  // NUL cannot appear in a part name, and the zero-padded index keeps a dataset's chunks in order.
  return `${id}\u0000${part}\u0000${String(index).padStart(6, '0')}`;
}

function splitsOf(d: Dataset): [SplitName, DatasetSplit][] {
  const out: [SplitName, DatasetSplit][] = [['train', d.train]];
  if (d.test) out.push(['test', d.test]);
  if (d.valid) out.push(['valid', d.valid]);
  return out;
}

/** The chunk layout of a dataset: each split's images and labels, cut into chunks of `chunkBytes`. */
export function chunkLayout(d: Dataset, chunkBytes = DATASET_CHUNK_BYTES): DatasetChunkLayout {
  const parts: DatasetChunkLayout['parts'] = [];
  for (const [split, s] of splitsOf(d)) {
    for (const field of ['images', 'labels'] as const) {
      const length = s[field].length;
      parts.push({ name: `${split}.${field}`, length, chunks: Math.ceil(length / chunkBytes), count: s.count });
    }
  }
  return { chunkBytes, parts };
}

/** Deletes every chunk and the legacy blob of dataset `id` inside `tx` (a readwrite transaction). */
type DatasetWriteTx = IDBPTransaction<PetridishSchema, ('datasets' | 'datasetBlobs' | 'datasetChunks')[], 'readwrite'>;

async function deleteStored(tx: DatasetWriteTx, id: string): Promise<void> {
  const chunks = tx.objectStore('datasetChunks');
  const keys = await chunks.index('byDataset').getAllKeys(id);
  await Promise.all([...keys.map((k) => chunks.delete(k)), tx.objectStore('datasetBlobs').delete(id)]);
}

/**
 * Waits for a write `request` unless the transaction ends first: a request in an aborted transaction may never
 * settle (Chromium aborts on a value over its size limit), so the transaction's outcome decides. A committed
 * transaction means every request in it succeeded.
 */
function settled(request: Promise<unknown>, done: Promise<void>): Promise<unknown> {
  return Promise.race([request, done]);
}

/**
 * Stores (or replaces) the dataset in one transaction: the old chunks are deleted, the new ones written one at
 * a time (each a copy of at most `chunkBytes`, so memory grows by one chunk, not by the dataset), and the
 * summary last. Resolves when the transaction commits; rejects with the transaction's error when it aborts
 * (a full disk becomes QuotaExceededError), and nothing of the dataset is then kept.
 */
export async function putDataset(db: PetridishDb, dataset: Dataset, storedAt: number = Date.now(), chunkBytes = DATASET_CHUNK_BYTES): Promise<DatasetSummary> {
  const summary = summarizeDataset(dataset);
  const layout = chunkLayout(dataset, chunkBytes);
  const what = `dataset "${dataset.name}" (${summary.bytes} bytes)`;
  const meta = { id: dataset.id, summary, storedAt, layout };
  // Checked before anything is written, as every repository does: a summary the read would refuse is never stored.
  checkWrite(what, datasetMetaRecordSchema, meta);
  const tx = db.transaction(['datasets', 'datasetBlobs', 'datasetChunks'], 'readwrite');
  const done = tx.done;
  done.catch(() => undefined);
  try {
    await settled(deleteStored(tx, dataset.id), done);
    const chunks = tx.objectStore('datasetChunks');
    for (const [split, s] of splitsOf(dataset)) {
      for (const field of ['images', 'labels'] as const) {
        const data = s[field];
        const name: PartName = `${split}.${field}`;
        for (let i = 0, at = 0; at < data.length; i++, at += chunkBytes) {
          // slice, not subarray: a view is cloned with its whole buffer.
          await settled(chunks.put({ datasetId: dataset.id, part: name, index: i, bytes: data.slice(at, at + chunkBytes) }, chunkKey(dataset.id, name, i)), done);
        }
      }
    }
    await settled(tx.objectStore('datasets').put(meta), done);
    await done;
    return summary;
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // Already aborted or finished.
    }
    const txError = tx.error;
    const cause = isQuotaError(txError) ? txError : (txError ?? e);
    const mapped = await mapQuotaError(cause, what);
    if (mapped !== cause) throw mapped;
    throw new Error(`Could not store ${what}: ${errorText(cause)}. Nothing of it was kept; datasets stored before are intact.`, { cause });
  }
}

function copyChunks(parts: DatasetChunkLayout['parts'], read: (part: string, index: number) => Promise<Uint8Array | null>): Promise<Map<string, Uint8Array>> {
  return (async () => {
    const out = new Map<string, Uint8Array>();
    for (const p of parts) {
      // Preallocated once; each chunk is copied in and dropped, so a read needs the dataset plus one chunk.
      const full = new Uint8Array(p.length);
      let at = 0;
      for (let i = 0; i < p.chunks; i++) {
        const bytes = await read(p.name, i);
        if (!bytes) throw new Error(`chunk ${i + 1} of ${p.chunks} of ${p.name} is missing`);
        if (at + bytes.length > p.length) throw new Error(`chunk ${i + 1} of ${p.name} overruns its ${p.length} bytes`);
        full.set(bytes, at);
        at += bytes.length;
      }
      if (at !== p.length) throw new Error(`${p.name} has ${at} of its ${p.length} bytes`);
      out.set(p.name, full);
    }
    return out;
  })();
}

function chunkBytesOf(value: unknown): Uint8Array | null {
  const bytes = (value as { bytes?: unknown } | undefined)?.bytes;
  return bytes instanceof Uint8Array ? bytes : null;
}

async function readChunked(db: PetridishDb, id: string, layout: DatasetChunkLayout): Promise<Pick<Dataset, 'train' | 'test' | 'valid'>> {
  // One short transaction per chunk: a long read must not hold a transaction that auto-commits between awaits.
  const parts = await copyChunks(layout.parts, async (part, index) => chunkBytesOf(await db.get('datasetChunks', chunkKey(id, part, index))));
  const split = (name: SplitName): DatasetSplit | null => {
    const images = parts.get(`${name}.images`);
    const labels = parts.get(`${name}.labels`);
    const count = layout.parts.find((p) => p.name === `${name}.images`)?.count;
    return images && labels && count !== undefined ? { images, labels, count } : null;
  };
  const train = split('train');
  if (!train) throw new Error('the layout has no training split');
  const valid = split('valid');
  return valid ? { train, test: split('test'), valid } : { train, test: split('test') };
}

/**
 * The dataset with its pixels, read into one preallocated typed array per split and field. A record that
 * cannot be read (missing chunks, a damaged summary) is reported in `problems` with `record: null`.
 */
export async function getDataset(db: PetridishDb, id: string): Promise<ReadOne<Dataset>> {
  const problems: RecordProblem[] = [];
  try {
    const metaRaw = await db.get('datasets', id);
    if (metaRaw === undefined) return { record: null, problems };
    const meta = checkRecord('datasets', id, metaRaw, datasetMetaRecordSchema, problems);
    if (!meta) return { record: null, problems };
    let splits: Pick<Dataset, 'train' | 'test' | 'valid'>;
    if (meta.layout) {
      try {
        splits = await readChunked(db, id, meta.layout);
      } catch (e) {
        problems.push({ store: 'datasetChunks', key: id, message: `the pixels of this dataset could not be read: ${errorText(e)}` });
        return { record: null, problems };
      }
    } else {
      const blobRaw = await db.get('datasetBlobs', id);
      if (blobRaw === undefined) {
        problems.push({ store: 'datasetBlobs', key: id, message: 'the pixels of this dataset are missing' });
        return { record: null, problems };
      }
      const blob = checkRecord('datasetBlobs', id, blobRaw, datasetBlobRecordSchema, problems);
      if (!blob) return { record: null, problems };
      splits = { train: blob.train, test: blob.test };
    }
    const { summary } = meta;
    const record: Dataset = {
      id,
      name: summary.name,
      source: summary.source,
      shape: summary.shape,
      numClasses: summary.numClasses,
      classNames: summary.classNames,
      ...splits,
    };
    if (summary.notes) record.notes = summary.notes;
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

/** Deletes the dataset's summary, chunks and any legacy blob in one transaction; resolves when it commits. */
export async function deleteDataset(db: PetridishDb, id: string): Promise<void> {
  const tx = db.transaction(['datasets', 'datasetBlobs', 'datasetChunks'], 'readwrite');
  const done = tx.done;
  done.catch(() => undefined);
  try {
    await settled(deleteStored(tx, id), done);
    await settled(tx.objectStore('datasets').delete(id), done);
    await done;
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // Already over.
    }
    throw new Error(`Could not delete dataset ${id}: ${errorText(tx.error ?? e)}`, { cause: e });
  }
}
