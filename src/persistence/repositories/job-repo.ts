// Jobs of a run and the training curves of its finished jobs. A finished job's result is written by the
// scheduler step that records it (step-repo.ts's commitStep), together with its point, its weights, its curve
// and the run state.

import type { PetridishDb } from '../database/db.ts';
import { curveRecordSchema, jobRecordSchema, type CurveRecord, type JobRecord, type ReadList } from '../database/records.ts';
import { checkWrite, readList, writeTx } from './repo-helpers.ts';

export async function putJob(db: PetridishDb, job: JobRecord): Promise<void> {
  checkWrite(`job ${job.id}`, jobRecordSchema, job);
  const tx = db.transaction('jobs', 'readwrite');
  await writeTx(tx, `job ${job.id}`, () => tx.store.put(job));
}

/** The run's jobs, oldest first. */
export async function listJobs(db: PetridishDb, runId: string): Promise<ReadList<JobRecord>> {
  const result = await readList('jobs', jobRecordSchema, async () => {
    const index = db.transaction('jobs').store.index('byRun');
    return Promise.all([index.getAllKeys(runId), index.getAll(runId)]);
  });
  result.records.sort((a, b) => a.createdAt - b.createdAt);
  return result;
}

/** The training curves of the run's finished jobs (any order); unreadable records are listed as problems. */
export function listCurves(db: PetridishDb, runId: string): Promise<ReadList<CurveRecord>> {
  return readList('curves', curveRecordSchema, async () => {
    const index = db.transaction('curves').store.index('byRun');
    return Promise.all([index.getAllKeys(runId), index.getAll(runId)]);
  });
}
