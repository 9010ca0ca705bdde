// Opens the app's IndexedDB database at the current schema version (running migrations) and declares its
// typed stores; tests pass their own IDBFactory (fake-indexeddb) for isolation.

import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import { LATEST_VERSION, migrate, type UpgradeDb, type UpgradeTx } from './migrations.ts';
import type {
  CheckpointRecord,
  CurveRecord,
  DatasetBlobRecord,
  DatasetChunkRecord,
  DatasetMetaRecord,
  FinalRecord,
  JobRecord,
  PointRecord,
  RunRecord,
  WeightsRecord,
} from './records.ts';

export interface PetridishSchema extends DBSchema {
  runs: { key: string; value: RunRecord };
  jobs: { key: string; value: JobRecord; indexes: { byRun: string } };
  points: { key: string; value: PointRecord; indexes: { byRun: string } };
  /** Out-of-line key: the weightsKey that jobs and points refer to. */
  weights: { key: string; value: WeightsRecord; indexes: { byRun: string } };
  checkpoints: { key: string; value: CheckpointRecord; indexes: { byRun: string } };
  finals: { key: string; value: FinalRecord; indexes: { byRun: string } };
  curves: { key: string; value: CurveRecord; indexes: { byRun: string } };
  datasets: { key: string; value: DatasetMetaRecord };
  datasetBlobs: { key: string; value: DatasetBlobRecord };
  /** Out-of-line key: dataset id, part and zero-padded chunk index (see ../repositories/dataset-repo.ts). */
  datasetChunks: { key: string; value: DatasetChunkRecord; indexes: { byDataset: string } };
  meta: { key: string; value: unknown };
}

export type PetridishDb = IDBPDatabase<PetridishSchema>;

export const DEFAULT_DB_NAME = 'petridish';
export const DB_VERSION = LATEST_VERSION;

export interface OpenOptions {
  name?: string;
  factory?: IDBFactory;
  /**
   * Another tab opened the database at a newer version: this connection has been closed (so that tab is not
   * blocked) and every later read or write here fails; the page should say to reload.
   */
  onVersionChange?: () => void;
  /** The open waits for another tab that holds an older version open; the page should say to close that tab. */
  onBlocked?: () => void;
}

export async function openPetridishDb(opts: OpenOptions = {}): Promise<PetridishDb> {
  const name = opts.name ?? DEFAULT_DB_NAME;
  const factory = opts.factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) throw new Error('IndexedDB is not available here, so nothing can be saved');
  const request = factory.open(name, DB_VERSION);
  // Fires at once when another connection does not close for the upgrade; the open settles when it does.
  request.addEventListener('blocked', () => opts.onBlocked?.());
  let migrationError: unknown = null;
  request.addEventListener('upgradeneeded', (event) => {
    const raw = request.transaction;
    if (!raw) return;
    const tx = wrap(raw) as unknown as UpgradeTx;
    // The open request reports the failure; this only keeps the abort from surfacing as unhandled.
    tx.done.catch(() => undefined);
    const db = wrap(request.result) as unknown as UpgradeDb;
    migrate(db, tx, event.oldVersion, event.newVersion ?? DB_VERSION).catch((e: unknown) => {
      migrationError = e;
      try {
        tx.abort();
      } catch {
        // The transaction already ended; the open request fails on its own.
      }
    });
  });
  let db: IDBPDatabase | undefined;
  try {
    db = await wrap(request);
  } catch (e) {
    const cause = migrationError ?? e;
    throw new Error(`Could not open database "${name}" at version ${DB_VERSION}: ${errorText(cause)}`, { cause });
  }
  if (!db) throw new Error(`Could not open database "${name}"`);
  // Another tab upgrading the schema must not be blocked by this one: close, and let the page say to reload.
  db.addEventListener('versionchange', () => {
    db.close();
    opts.onVersionChange?.();
  });
  return db as unknown as PetridishDb;
}

export function errorText(e: unknown): string {
  if (e instanceof Error || e instanceof DOMException) return `${e.name}: ${e.message}`;
  return String(e);
}
