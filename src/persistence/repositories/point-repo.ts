// Pool points of a run (never their weights, which live in the weights store).

import type { PetridishDb } from '../database/db.ts';
import { pointRecordSchema, type PointRecord, type ReadList, type ReadOne } from '../database/records.ts';
import { checkWrite, readList, readOne, writeTx } from './repo-helpers.ts';

/** For imports and repairs; a trained job's point is written by `commitStep`, together with its weights. */
export async function putPoint(db: PetridishDb, point: PointRecord): Promise<void> {
  checkWrite(`pool point ${point.id}`, pointRecordSchema, point);
  const tx = db.transaction('points', 'readwrite');
  await writeTx(tx, `pool point ${point.id}`, () => tx.store.put(point));
}

export function getPoint(db: PetridishDb, id: string): Promise<ReadOne<PointRecord>> {
  return readOne('points', id, pointRecordSchema, () => db.get('points', id));
}

/** The run's pool, oldest first. */
export async function listPoints(db: PetridishDb, runId: string): Promise<ReadList<PointRecord>> {
  const result = await readList('points', pointRecordSchema, async () => {
    const index = db.transaction('points').store.index('byRun');
    return Promise.all([index.getAllKeys(runId), index.getAll(runId)]);
  });
  result.records.sort((a, b) => a.createdAt - b.createdAt);
  return result;
}
