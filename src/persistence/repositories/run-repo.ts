// Runs: save, read back, list (newest first) and delete a run together with everything it owns.

import type { PetridishDb } from '../database/db.ts';
import { listCheckpoints } from './checkpoint-repo.ts';
import { listJobs } from './job-repo.ts';
import { listPoints } from './point-repo.ts';
import {
  runRecordSchema,
  type CheckpointRecord,
  type JobRecord,
  type PointRecord,
  type ReadList,
  type ReadOne,
  type RecordProblem,
  type RunRecord,
} from '../database/records.ts';
import { checkWrite, readList, readOne, writeTx } from './repo-helpers.ts';

/** An imported run is shown but never changed (it has no weights); a finished or stopped run can be continued. */
export function isReadOnlyRun(run: Pick<RunRecord, 'status'>): boolean {
  return run.status === 'imported';
}

export async function putRun(db: PetridishDb, run: RunRecord): Promise<void> {
  checkWrite(`run "${run.name}"`, runRecordSchema, run);
  const tx = db.transaction('runs', 'readwrite');
  await writeTx(tx, `run "${run.name}"`, () => tx.store.put(run));
}

export function getRun(db: PetridishDb, id: string): Promise<ReadOne<RunRecord>> {
  return readOne('runs', id, runRecordSchema, () => db.get('runs', id));
}

export async function listRuns(db: PetridishDb): Promise<ReadList<RunRecord>> {
  const result = await readList('runs', runRecordSchema, async () => {
    const tx = db.transaction('runs');
    return Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
  });
  result.records.sort((a, b) => b.updatedAt - a.updatedAt);
  return result;
}

/** Deletes the run, its jobs, pool points, curves, final trainings, weights and checkpoints in one transaction; other runs are untouched. */
export async function deleteRun(db: PetridishDb, id: string): Promise<void> {
  const tx = db.transaction(['runs', 'jobs', 'points', 'weights', 'checkpoints', 'finals', 'curves'], 'readwrite');
  await writeTx(tx, `deleting run ${id}`, async () => {
    const owned = await Promise.all([
      tx.objectStore('jobs').index('byRun').getAllKeys(id),
      tx.objectStore('points').index('byRun').getAllKeys(id),
      tx.objectStore('weights').index('byRun').getAllKeys(id),
      tx.objectStore('checkpoints').index('byRun').getAllKeys(id),
      tx.objectStore('finals').index('byRun').getAllKeys(id),
      tx.objectStore('curves').index('byRun').getAllKeys(id),
    ]);
    const [jobs, points, weights, checkpoints, finals, curves] = owned;
    await Promise.all([
      ...curves.map((k) => tx.objectStore('curves').delete(k)),
      ...finals.map((k) => tx.objectStore('finals').delete(k)),
      tx.objectStore('runs').delete(id),
      ...jobs.map((k) => tx.objectStore('jobs').delete(k)),
      ...points.map((k) => tx.objectStore('points').delete(k)),
      ...weights.map((k) => tx.objectStore('weights').delete(k)),
      ...checkpoints.map((k) => tx.objectStore('checkpoints').delete(k)),
    ]);
  });
}

export interface LoadedRun {
  run: RunRecord | null;
  jobs: JobRecord[];
  points: PointRecord[];
  /** Checkpoints of jobs that were running: they continue from `epoch + 1`. */
  checkpoints: CheckpointRecord[];
  problems: RecordProblem[];
}

/** Everything a reload needs to rebuild a run's state; done jobs and their points are never redone. */
export async function loadRun(db: PetridishDb, id: string): Promise<LoadedRun> {
  const [run, jobs, points, checkpoints] = await Promise.all([
    getRun(db, id),
    listJobs(db, id),
    listPoints(db, id),
    listCheckpoints(db, id),
  ]);
  return {
    run: run.record,
    jobs: jobs.records,
    points: points.records,
    checkpoints: checkpoints.records,
    problems: [...run.problems, ...jobs.problems, ...points.problems, ...checkpoints.problems],
  };
}
