// Final trainings of a run, and the one transaction that records a finished one: the training with its
// result, its weights and the removal of its checkpoint land together or not at all.

import type { NamedWeights } from '../core/weights.ts';
import type { PetridishDb } from './db.ts';
import { finalRecordSchema, type FinalRecord, type ReadList } from './records.ts';
import { readList, writeTx } from './repo-helpers.ts';
import { weightsRecord } from './weights-repo.ts';

export async function putFinal(db: PetridishDb, record: FinalRecord): Promise<void> {
  const tx = db.transaction('finals', 'readwrite');
  await writeTx(tx, `final training ${record.id}`, () => tx.store.put(record));
}

/** The run's final trainings, oldest first; unreadable records are reported, not thrown. */
export async function listFinals(db: PetridishDb, runId: string): Promise<ReadList<FinalRecord>> {
  const result = await readList('finals', finalRecordSchema, async () => {
    const index = db.transaction('finals').store.index('byRun');
    return Promise.all([index.getAllKeys(runId), index.getAll(runId)]);
  });
  result.records.sort((a, b) => a.createdAt - b.createdAt);
  return result;
}

/**
 * Stores a finished final training (status `done`, with its result) and its weights under
 * `record.result.weightsKey`, and drops its checkpoint, atomically. Throws when the record has no result.
 */
export async function commitFinalResult(db: PetridishDb, record: FinalRecord, weights: NamedWeights): Promise<void> {
  const { result } = record;
  if (record.status !== 'done' || !result) throw new Error(`commitFinalResult: final training ${record.id} is ${record.status} and has no result`);
  const tx = db.transaction(['finals', 'weights', 'checkpoints'], 'readwrite');
  await writeTx(tx, `the result of final training ${record.id}`, async () => {
    await tx.objectStore('finals').put(record);
    await tx.objectStore('weights').put(weightsRecord(record.runId, weights), result.weightsKey);
    await tx.objectStore('checkpoints').delete(record.id);
  });
}
