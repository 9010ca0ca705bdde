// The database's schema history: each version's step, run in order inside the upgrade transaction, so a
// database written by any earlier release opens at the current version with its data kept.

import type { IDBPDatabase, IDBPTransaction } from 'idb';
import { summarizeDataset, type Dataset } from '../../data/dataset.ts';

export type UpgradeDb = IDBPDatabase<unknown>;
export type UpgradeTx = IDBPTransaction<unknown, string[], 'versionchange'>;

export interface Migration {
  version: number;
  what: string;
  run(db: UpgradeDb, tx: UpgradeTx): Promise<void>;
}

/**
 * Version 1: runs, jobs and points (indexed by run), weights keyed by weightsKey, checkpoints keyed by job id,
 * whole datasets (pixels inside the record) and meta.
 */
const v1: Migration = {
  version: 1,
  what: 'first stores',
  async run(db) {
    db.createObjectStore('runs', { keyPath: 'id' });
    db.createObjectStore('jobs', { keyPath: 'id' }).createIndex('byRun', 'runId');
    db.createObjectStore('points', { keyPath: 'id' }).createIndex('byRun', 'runId');
    db.createObjectStore('weights');
    db.createObjectStore('checkpoints', { keyPath: 'jobId' });
    db.createObjectStore('datasets', { keyPath: 'id' });
    db.createObjectStore('meta');
  },
};

function isV1Dataset(x: unknown): x is Dataset & { storedAt?: number } {
  if (typeof x !== 'object' || x === null) return false;
  const train = (x as { train?: { images?: unknown } }).train;
  return typeof (x as { id?: unknown }).id === 'string' && train?.images instanceof Uint8Array;
}

/** Moves pixels out of the dataset records into `datasetBlobs`, so the picker lists datasets without loading them. */
async function splitDatasets(db: UpgradeDb, tx: UpgradeTx): Promise<void> {
  db.createObjectStore('datasetBlobs', { keyPath: 'id' });
  const blobs = tx.objectStore('datasetBlobs');
  let cursor = await tx.objectStore('datasets').openCursor();
  while (cursor) {
    const old: unknown = cursor.value;
    // Records that are not recognisably v1 are left alone; reads report them as problems.
    if (isV1Dataset(old)) {
      await blobs.put({ id: old.id, train: old.train, test: old.test });
      await cursor.update({ id: old.id, summary: summarizeDataset(old), storedAt: old.storedAt ?? 0 });
    }
    cursor = await cursor.continue();
  }
}

function stringField(x: unknown, field: string): string | null {
  if (typeof x !== 'object' || x === null) return null;
  const v = (x as Record<string, unknown>)[field];
  return typeof v === 'string' ? v : null;
}

/** Owner run of each weights key and job id, from the v1 points and jobs. */
async function ownership(tx: UpgradeTx): Promise<{ weights: Map<string, string>; jobs: Map<string, string> }> {
  const weights = new Map<string, string>();
  const jobs = new Map<string, string>();
  for (const p of (await tx.objectStore('points').getAll()) as unknown[]) {
    const run = stringField(p, 'runId');
    const key = stringField(p, 'weightsKey');
    if (run && key) weights.set(key, run);
  }
  for (const j of (await tx.objectStore('jobs').getAll()) as unknown[]) {
    const run = stringField(j, 'runId');
    const id = stringField(j, 'id');
    const init = stringField(j, 'initWeightsKey');
    if (run && id) jobs.set(id, run);
    if (run && init && !weights.has(init)) weights.set(init, run);
  }
  return { weights, jobs };
}

/**
 * Gives weights and checkpoints their run id (and a `byRun` index) so deleting a run finds everything it
 * owns, including search weights no pool point refers to. Checkpoints of jobs that no longer exist can never
 * be resumed and are dropped.
 */
async function tagOwners(tx: UpgradeTx): Promise<void> {
  const owners = await ownership(tx);
  const weights = tx.objectStore('weights');
  weights.createIndex('byRun', 'runId');
  let wc = await weights.openCursor();
  while (wc) {
    if (typeof wc.value === 'object' && wc.value !== null) {
      await wc.update({ ...(wc.value as object), runId: owners.weights.get(String(wc.key)) ?? null });
    }
    wc = await wc.continue();
  }
  const checkpoints = tx.objectStore('checkpoints');
  checkpoints.createIndex('byRun', 'runId');
  let cc = await checkpoints.openCursor();
  while (cc) {
    const run = owners.jobs.get(String(cc.key));
    if (run) await cc.update({ ...(cc.value as object), runId: run });
    else await cc.delete();
    cc = await cc.continue();
  }
}

const v2: Migration = {
  version: 2,
  what: 'dataset pixels in their own store; weights and checkpoints indexed by run',
  async run(db, tx) {
    await splitDatasets(db, tx);
    await tagOwners(tx);
  },
};

/**
 * Version 3: dataset bytes in chunks (`datasetChunks`, indexed by dataset), because Chromium refuses any single
 * value over 133,169,152 bytes. Datasets already in `datasetBlobs` were stored whole, so they fit, and stay
 * there: their summary records have no chunk layout, and reads fall back to the blob.
 */
const v3: Migration = {
  version: 3,
  what: 'dataset bytes in chunks',
  async run(db) {
    db.createObjectStore('datasetChunks').createIndex('byDataset', 'datasetId');
  },
};

/** Version 4: final trainings (a pool point rebuilt at evaluation width and trained fully), by run. */
const v4: Migration = {
  version: 4,
  what: 'final trainings',
  async run(db) {
    db.createObjectStore('finals', { keyPath: 'id' }).createIndex('byRun', 'runId');
  },
};

/**
 * Version 5: finished jobs' training curves (`curves`, keyed by job id, indexed by run). Runs stored earlier
 * keep the curves their pool points hold; their search jobs' curves were never stored and stay absent.
 */
const v5: Migration = {
  version: 5,
  what: 'training curves of finished jobs',
  async run(db) {
    db.createObjectStore('curves', { keyPath: 'jobId' }).createIndex('byRun', 'runId');
  },
};

export const MIGRATIONS: readonly Migration[] = [v1, v2, v3, v4, v5];
export const LATEST_VERSION = 5;

/** Runs every step after `oldVersion` up to `newVersion` and records the result in `meta`. */
export async function migrate(db: UpgradeDb, tx: UpgradeTx, oldVersion: number, newVersion: number): Promise<void> {
  for (const step of MIGRATIONS) {
    if (step.version > oldVersion && step.version <= newVersion) await step.run(db, tx);
  }
  await tx.objectStore('meta').put({ version: newVersion, migratedFrom: oldVersion }, 'schema');
}
