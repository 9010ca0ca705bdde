// The one transaction that records a step of a run: the run record (with the scheduler snapshot), every job
// the step created or changed, the pool points, the weights and curve of a finished job, the checkpoints it makes
// obsolete and the test journal entries land together or not at all, so a browser killed between two
// steps leaves a run whose snapshot, jobs and points agree.

import type { NamedWeights } from '../../core/weights.ts';
import { describeIssues } from '../../core/export/schema.ts';
import type { PetridishDb } from '../database/db.ts';
import {
  curveRecordSchema,
  jobRecordSchema,
  pointRecordSchema,
  runRecordSchema,
  type CurveRecord,
  type JobRecord,
  type PointRecord,
  type RunRecord,
} from '../database/records.ts';
import { checkWrite, writeTx } from './repo-helpers.ts';
import { weightsRecord } from './weights-repo.ts';

export interface StepCommit {
  /** The run as it is after the step. */
  run: RunRecord;
  /** True for the run's first step (the record is new); otherwise the stored run must still exist. */
  create?: boolean;
  jobs: JobRecord[];
  points: PointRecord[];
  weights: { key: string; weights: NamedWeights }[];
  /** Training curves of the jobs the step finishes (absent: none). */
  curves?: CurveRecord[];
  /** Checkpoints of jobs that ended (done, failed, cancelled). */
  dropCheckpoints: string[];
  /** Test hook entries (`start:<jobId>`, `done:<jobId>`) appended to the run's journal; empty when off. */
  journal: string[];
  /** What the step records, for the error message when it cannot be saved (e.g. "the result of job j3"). */
  what: string;
}

/** The key in `meta` of a run's job journal (a test hook that holds under a killed browser). */
export function journalKey(runId: string): string {
  return `journal:${runId}`;
}

/** Every record must belong to the run and read back (the read's schema), or nothing of the step is written. */
function checkStep(step: StepCommit): void {
  const runId = step.run.id;
  for (const r of [...step.jobs, ...step.points, ...(step.curves ?? []).map((c) => ({ id: `curve ${c.jobId}`, runId: c.runId }))]) {
    if (r.runId !== runId) throw new Error(`commitStep: record ${r.id} belongs to run ${r.runId}, not ${runId}`);
  }
  for (const job of step.jobs) checkWrite(`job ${job.id}`, jobRecordSchema, job);
  for (const point of step.points) checkWrite(`pool point ${point.id}`, pointRecordSchema, point);
  for (const curve of step.curves ?? []) checkWrite(`the curve of job ${curve.jobId}`, curveRecordSchema, curve);
  checkWrite(`run ${runId}`, runRecordSchema, step.run);
}

/**
 * Writes one step atomically. Throws (and lands nothing) when a record would not read back
 * (UnreadableRecordError naming the field), a value cannot be stored, the quota is full
 * (QuotaExceededError naming `what`), the transaction is aborted, or the run was deleted meanwhile.
 */
export async function commitStep(db: PetridishDb, step: StepCommit): Promise<void> {
  checkStep(step);
  const runId = step.run.id;
  const tx = db.transaction(['runs', 'jobs', 'points', 'weights', 'checkpoints', 'curves', 'meta'], 'readwrite');
  await writeTx(tx, step.what, async () => {
    if (!step.create) {
      const stored = runRecordSchema.safeParse(await tx.objectStore('runs').get(runId));
      if (!stored.success) throw new Error(`run ${runId} is missing or unreadable (${describeIssues(stored.error.issues)}); was it deleted?`);
    }
    for (const { key, weights } of step.weights) await tx.objectStore('weights').put(weightsRecord(runId, weights), key);
    for (const job of step.jobs) await tx.objectStore('jobs').put(job);
    for (const point of step.points) await tx.objectStore('points').put(point);
    for (const curve of step.curves ?? []) await tx.objectStore('curves').put(curve);
    for (const id of step.dropCheckpoints) await tx.objectStore('checkpoints').delete(id);
    if (step.journal.length > 0) {
      const meta = tx.objectStore('meta');
      const before = await meta.get(journalKey(runId));
      await meta.put([...(Array.isArray(before) ? (before as string[]) : []), ...step.journal], journalKey(runId));
    }
    await tx.objectStore('runs').put(step.run);
  });
}

/** The run's job journal (empty when the hook was off). */
export async function readJournal(db: PetridishDb, runId: string): Promise<string[]> {
  const value = await db.get('meta', journalKey(runId));
  return Array.isArray(value) ? value.filter((e): e is string => typeof e === 'string') : [];
}
