// Per-epoch checkpoints of running jobs (keyed by job id), so a reload continues from the last epoch.

import type { PetridishDb } from '../database/db.ts';
import { checkpointRecordSchema, type CheckpointRecord, type ReadList, type ReadOne } from '../database/records.ts';
import { checkWrite, readList, readOne, writeTx } from './repo-helpers.ts';
import { compactWeights } from './weights-repo.ts';

/** Replaces the job's previous checkpoint; only the latest epoch is kept. */
export async function putCheckpoint(db: PetridishDb, checkpoint: CheckpointRecord): Promise<void> {
  const record: CheckpointRecord = {
    ...checkpoint,
    weights: compactWeights(checkpoint.weights),
    optimizer: compactWeights(checkpoint.optimizer),
  };
  checkWrite(`checkpoint of job ${checkpoint.jobId} (epoch ${checkpoint.epoch})`, checkpointRecordSchema, record);
  const tx = db.transaction('checkpoints', 'readwrite');
  await writeTx(tx, `checkpoint of job ${checkpoint.jobId} (epoch ${checkpoint.epoch})`, () => tx.store.put(record));
}

export function getCheckpoint(db: PetridishDb, jobId: string): Promise<ReadOne<CheckpointRecord>> {
  return readOne('checkpoints', jobId, checkpointRecordSchema, () => db.get('checkpoints', jobId));
}

/** Every checkpoint of a run: the jobs that were running when the page went away. */
export function listCheckpoints(db: PetridishDb, runId: string): Promise<ReadList<CheckpointRecord>> {
  return readList('checkpoints', checkpointRecordSchema, async () => {
    const index = db.transaction('checkpoints').store.index('byRun');
    return Promise.all([index.getAllKeys(runId), index.getAll(runId)]);
  });
}

export async function deleteCheckpoint(db: PetridishDb, jobId: string): Promise<void> {
  const tx = db.transaction('checkpoints', 'readwrite');
  await writeTx(tx, `removing checkpoint of job ${jobId}`, () => tx.store.delete(jobId));
}
