import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { wrap } from 'idb';
import { describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS, type UpgradeDb, type UpgradeTx } from '../../src/persistence/database/migrations.ts';
import { DB_VERSION, openPetridishDb } from '../../src/persistence/database/db.ts';
import { getRun, listRuns, deleteRun } from '../../src/persistence/repositories/run-repo.ts';
import { listCurves, listJobs } from '../../src/persistence/repositories/job-repo.ts';
import { listPoints } from '../../src/persistence/repositories/point-repo.ts';
import { getWeights } from '../../src/persistence/repositories/weights-repo.ts';
import { getCheckpoint } from '../../src/persistence/repositories/checkpoint-repo.ts';
import { deleteDataset, getDataset, listDatasets } from '../../src/persistence/repositories/dataset-repo.ts';
import { makeCheckpoint, makeDataset, makeJob, makePointRecord, makeRun, makeWeights } from './persistence-fixtures.ts';

/** Opens the database the way release 1 did: only the version-1 step. */
async function openV1(factory: IDBFactory, name: string): Promise<UpgradeDb> {
  const request = factory.open(name, 1);
  request.addEventListener('upgradeneeded', () => {
    const tx = wrap(request.transaction as IDBTransaction) as unknown as UpgradeTx;
    void migrate(wrap(request.result) as unknown as UpgradeDb, tx, 0, 1);
  });
  return (await wrap(request)) as unknown as UpgradeDb;
}

async function writeV1Data(db: UpgradeDb): Promise<void> {
  const { runId: _r, ...v1Checkpoint } = makeCheckpoint('r1', 'j1', 4);
  const { runId: _o, ...v1Orphan } = makeCheckpoint('r1', 'gone', 1);
  const tx = db.transaction(['runs', 'jobs', 'points', 'weights', 'checkpoints', 'datasets'], 'readwrite');
  await Promise.all([
    tx.objectStore('runs').put(makeRun('r1')),
    tx.objectStore('jobs').put(makeJob('r1', 'j1')),
    tx.objectStore('jobs').put(makeJob('r1', 'j2', { kind: 'post_train', initWeightsKey: 'search-w' })),
    tx.objectStore('points').put(makePointRecord('r1', 'p1', { weightsKey: 'w-p1' })),
    tx.objectStore('weights').put(makeWeights([1, 2, 3]), 'w-p1'),
    tx.objectStore('weights').put(makeWeights([4, 5]), 'search-w'),
    tx.objectStore('weights').put(makeWeights([6, 7]), 'stray'),
    tx.objectStore('checkpoints').put(v1Checkpoint),
    tx.objectStore('checkpoints').put(v1Orphan),
    tx.objectStore('datasets').put({ ...makeDataset('d1'), storedAt: 77 }),
    tx.objectStore('datasets').put({ id: 'junk', note: 'not a dataset' }),
    tx.done,
  ]);
}

describe('migrations', () => {
  it('are numbered 1..latest', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual([1, 2, 3, 4, 5]);
    expect(DB_VERSION).toBe(5);
  });

  it('upgrade a version 1 database with data and keep it', async () => {
    const factory = new IDBFactory();
    const v1 = await openV1(factory, 'old');
    expect(v1.version).toBe(1);
    expect([...v1.objectStoreNames]).not.toContain('datasetBlobs');
    await writeV1Data(v1);
    v1.close();

    const db = await openPetridishDb({ name: 'old', factory });
    expect(db.version).toBe(5);
    expect(await db.get('meta', 'schema')).toEqual({ version: 5, migratedFrom: 1 });
    expect(await db.count('curves')).toBe(0);
    expect((await getRun(db, 'r1')).record).toEqual(makeRun('r1'));
    expect((await listJobs(db, 'r1')).records.map((j) => j.id)).toEqual(['j1', 'j2']);
    expect((await listPoints(db, 'r1')).records.map((p) => p.id)).toEqual(['p1']);
    expect(Array.from((await getWeights(db, 'w-p1')).record?.data ?? [])).toEqual([1, 2, 3]);
    expect(await db.getAllKeysFromIndex('weights', 'byRun', 'r1')).toEqual(['search-w', 'w-p1']);
    expect((await db.get('weights', 'stray'))?.runId).toBeNull();
    expect((await getCheckpoint(db, 'j1')).record).toEqual(makeCheckpoint('r1', 'j1', 4));
    expect(await db.getAllKeys('checkpoints')).toEqual(['j1']);

    const datasets = await listDatasets(db);
    expect(datasets.records.map((d) => d.id)).toEqual(['d1']);
    expect(datasets.problems.map((p) => p.key)).toEqual(['junk']);
    expect((await getDataset(db, 'd1')).record).toEqual(makeDataset('d1'));
    expect(await db.get('datasets', 'd1')).toMatchObject({ storedAt: 77, summary: { trainCount: 20 } });
    // Stored whole before chunking: read from its blob, and deleting it frees the blob too.
    expect(await db.count('datasetBlobs')).toBe(1);
    await deleteDataset(db, 'd1');
    expect([await db.count('datasetBlobs'), await db.count('datasets')]).toEqual([0, 1]);

    await deleteRun(db, 'r1');
    expect(await db.getAllKeys('weights')).toEqual(['stray']);
    expect((await listRuns(db)).records).toEqual([]);
    db.close();
  });

  it('upgrade a version 4 database (before curves were kept): its runs open with their pool points\' curves', async () => {
    const factory = new IDBFactory();
    const request = factory.open('v4', 4);
    request.addEventListener('upgradeneeded', () => {
      const tx = wrap(request.transaction as IDBTransaction) as unknown as UpgradeTx;
      void migrate(wrap(request.result) as unknown as UpgradeDb, tx, 0, 4);
    });
    const v4 = (await wrap(request)) as unknown as UpgradeDb;
    expect([...v4.objectStoreNames]).not.toContain('curves');
    const point = makePointRecord('r1', 'p1', { jobId: 'j1', weightsKey: 'w-p1' });
    const tx = v4.transaction(['runs', 'jobs', 'points', 'weights'], 'readwrite');
    await Promise.all([
      tx.objectStore('runs').put(makeRun('r1')),
      tx.objectStore('jobs').put(makeJob('r1', 'j1', { status: 'done' })),
      tx.objectStore('jobs').put(makeJob('r1', 'j2', { kind: 'search', status: 'done', createdAt: 20 })),
      tx.objectStore('points').put(point),
      tx.objectStore('weights').put({ ...makeWeights([1, 2]), runId: 'r1' }, 'w-p1'),
      tx.done,
    ]);
    v4.close();

    const db = await openPetridishDb({ name: 'v4', factory });
    expect(db.version).toBe(5);
    expect(await db.get('meta', 'schema')).toEqual({ version: 5, migratedFrom: 4 });
    expect((await getRun(db, 'r1')).record).toEqual(makeRun('r1'));
    expect((await listJobs(db, 'r1')).records.map((j) => [j.id, j.status])).toEqual([['j1', 'done'], ['j2', 'done']]);
    expect((await listPoints(db, 'r1')).records).toEqual([point]);
    expect((await listCurves(db, 'r1'))).toEqual({ records: [], problems: [] });
    await deleteRun(db, 'r1');
    expect([await db.count('runs'), await db.count('jobs'), await db.count('points'), await db.count('weights')]).toEqual([0, 0, 0, 0]);
    db.close();
  });

  it('a failed upgrade rejects clearly and leaves the old database as it was', async () => {
    const factory = new IDBFactory();
    // A version-1 database that already has the store version 2 creates, so the step fails.
    const request = factory.open('odd', 1);
    request.addEventListener('upgradeneeded', () => {
      const tx = wrap(request.transaction as IDBTransaction) as unknown as UpgradeTx;
      const db = wrap(request.result) as unknown as UpgradeDb;
      void migrate(db, tx, 0, 1).then(() => db.createObjectStore('datasetBlobs'));
    });
    const v1 = (await wrap(request)) as unknown as UpgradeDb;
    await v1.put('runs', makeRun('r1'));
    v1.close();
    await expect(openPetridishDb({ name: 'odd', factory })).rejects.toThrow(
      /Could not open database "odd" at version 5: ConstraintError/,
    );
    const still = await openV1(factory, 'odd');
    expect(still.version).toBe(1);
    expect(await still.get('runs', 'r1')).toEqual(makeRun('r1'));
    still.close();
  });

  it('a fresh database starts at the latest version', async () => {
    const db = await openPetridishDb({ name: 'new', factory: new IDBFactory() });
    expect([...db.objectStoreNames].sort()).toEqual(
      ['checkpoints', 'curves', 'datasetBlobs', 'datasetChunks', 'datasets', 'finals', 'jobs', 'meta', 'points', 'runs', 'weights'].sort(),
    );
    expect(await db.get('meta', 'schema')).toEqual({ version: 5, migratedFrom: 0 });
  });
});
