// Final trainings of a run, and the one transaction that records a step of them: the trainings it changed,
// the weights of one that finished and the removal of ended ones' checkpoints land together or not at all.

import type { NamedWeights } from '../../core/weights.ts';
import type { PetridishDb } from '../database/db.ts';
import { finalRecordSchema, type FinalRecord, type ReadList } from '../database/records.ts';
import { checkWrite, readList, writeTx } from './repo-helpers.ts';
import { weightsRecord } from './weights-repo.ts';

/** The run's final trainings, oldest first; unreadable records are reported, not thrown. */
export async function listFinals(db: PetridishDb, runId: string): Promise<ReadList<FinalRecord>> {
  const result = await readList('finals', finalRecordSchema, async () => {
    const index = db.transaction('finals').store.index('byRun');
    return Promise.all([index.getAllKeys(runId), index.getAll(runId)]);
  });
  result.records.sort((a, b) => a.createdAt - b.createdAt);
  return result;
}

/** The writes of one step of a run's final trainings. */
export interface FinalStepCommit {
  /** The trainings the step changed, as it leaves them. */
  finals: FinalRecord[];
  /** The weights of trainings that finished in the step, by weights key. */
  weights: { key: string; weights: NamedWeights }[];
  /** Checkpoints of trainings that ended (done, failed, cancelled). */
  dropCheckpoints: string[];
}

/**
 * Writes one step of a run's final trainings atomically: every training it changed, the weights of one that
 * finished and the checkpoints of those that ended land together or not at all. Throws (landing nothing)
 * when a record would not read back (UnreadableRecordError naming the field), belongs to another run than
 * `runId`, the quota is full (QuotaExceededError naming `what`), or the transaction is aborted.
 */
export async function commitFinalStep(db: PetridishDb, runId: string, step: FinalStepCommit, what: string): Promise<void> {
  for (const f of step.finals) {
    if (f.runId !== runId) throw new Error(`commitFinalStep: final training ${f.id} belongs to run ${f.runId}, not ${runId}`);
    checkWrite(`final training ${f.id}`, finalRecordSchema, f);
  }
  const tx = db.transaction(['finals', 'weights', 'checkpoints'], 'readwrite');
  await writeTx(tx, what, async () => {
    for (const { key, weights } of step.weights) await tx.objectStore('weights').put(weightsRecord(runId, weights), key);
    for (const f of step.finals) await tx.objectStore('finals').put(f);
    for (const id of step.dropCheckpoints) await tx.objectStore('checkpoints').delete(id);
  });
}
