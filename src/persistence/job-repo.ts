// Jobs of a run, and the one transaction that records a finished job: job, pool point, weights, checkpoint
// removal and run update land together or not at all.

import type { NamedWeights } from '../core/weights.ts';
import type { PetridishDb } from './db.ts';
import {
  jobRecordSchema,
  pointRecordSchema,
  runRecordSchema,
  type JobRecord,
  type PointRecord,
  type ReadList,
  type RunRecord,
} from './records.ts';
import { describeIssues } from '../core/export/schema.ts';
import { checkWrite, readList, writeTx } from './repo-helpers.ts';
import { weightsRecord } from './weights-repo.ts';

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

export interface JobCommit {
  job: JobRecord;
  /** The new pool point; null for a search job, whose result only feeds its post-training job. */
  point: PointRecord | null;
  weightsKey: string;
  weights: NamedWeights;
  /** Fields of the run to change with it (the scheduler snapshot, status, updatedAt). */
  runPatch: Partial<Omit<RunRecord, 'id'>>;
}

function checkCommit({ job, point, weightsKey }: JobCommit): void {
  checkWrite(`job ${job.id}`, jobRecordSchema, { ...job, status: 'done', error: null });
  if (point) checkWrite(`pool point ${point.id}`, pointRecordSchema, point);
  if (point && point.runId !== job.runId) {
    throw new Error(`commitJobResult: point ${point.id} belongs to run ${point.runId}, job ${job.id} to ${job.runId}`);
  }
  if (point && point.weightsKey !== weightsKey) {
    throw new Error(`commitJobResult: point ${point.id} names weights "${point.weightsKey}", not "${weightsKey}"`);
  }
}

/** Marks the job done and stores its point and weights, drops its checkpoint and patches its run, atomically. */
export async function commitJobResult(db: PetridishDb, commit: JobCommit): Promise<void> {
  checkCommit(commit);
  const { job, point, weightsKey, weights, runPatch } = commit;
  const tx = db.transaction(['runs', 'jobs', 'points', 'weights', 'checkpoints'], 'readwrite');
  await writeTx(tx, `the result of job ${job.id}`, async () => {
    const stored = runRecordSchema.safeParse(await tx.objectStore('runs').get(job.runId));
    if (!stored.success) {
      throw new Error(`commitJobResult: run ${job.runId} is missing or unreadable (${describeIssues(stored.error.issues)})`);
    }
    await tx.objectStore('jobs').put({ ...job, status: 'done', error: null });
    if (point) await tx.objectStore('points').put(point);
    await tx.objectStore('weights').put(weightsRecord(job.runId, weights), weightsKey);
    await tx.objectStore('checkpoints').delete(job.id);
    const run: RunRecord = { ...stored.data, ...runPatch, id: stored.data.id };
    checkWrite(`run ${run.id}`, runRecordSchema, run);
    await tx.objectStore('runs').put(run);
  });
}
