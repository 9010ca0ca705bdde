// The dataset worker: parses uploads, downloads catalogue datasets and builds previews off the page's main
// thread, writing straight to IndexedDB so only summaries and a few thumbnails cross back.
import * as Comlink from 'comlink';
import { openPetridishDb, type PetridishDb } from '../src/persistence/database/db.ts';
import { importDownload, importSynthetic, importUpload, previewStored, type DatasetWorkerApi } from '../src/runtime/datasets/dataset-import.ts';

async function withDb<T>(dbName: string, body: (db: PetridishDb) => Promise<T>): Promise<T> {
  const db = await openPetridishDb({ name: dbName });
  try {
    return await body(db);
  } finally {
    db.close();
  }
}

/** Errors are re-thrown as plain Errors with the parser's message, which comlink carries to the page intact. */
async function plain<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    throw new Error(e instanceof Error ? e.message : String(e));
  }
}

const api: DatasetWorkerApi = {
  upload: (dbName, req, onProgress) => plain(() => withDb(dbName, (db) => importUpload(db, req, onProgress))),
  download: (dbName, sourceId, onProgress) => plain(() => withDb(dbName, (db) => importDownload(db, sourceId, onProgress))),
  preview: (dbName, id, perClass) => plain(() => withDb(dbName, (db) => previewStored(db, id, perClass))),
  synthetic: (dbName, spec, onProgress) => plain(() => withDb(dbName, (db) => importSynthetic(db, spec, onProgress))),
};

Comlink.expose(api);
