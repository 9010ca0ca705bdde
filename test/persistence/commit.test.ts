import { describe, expect, it, vi } from 'vitest';
import { QuotaExceededError } from '../../src/persistence/database/quota.ts';
import { freshDb, makeCheckpoint, makeJob, makePointRecord, makeRun, makeWeights } from './persistence-fixtures.ts';
import type { PetridishDb } from '../../src/persistence/database/db.ts';
import { deleteRun, getRun, loadRun, putRun } from '../../src/persistence/repositories/run-repo.ts';
import { listCurves, listJobs, putJob } from '../../src/persistence/repositories/job-repo.ts';
import { commitStep, type StepCommit } from '../../src/persistence/repositories/step-repo.ts';
import { listPoints } from '../../src/persistence/repositories/point-repo.ts';
import { getWeights, putWeights } from '../../src/persistence/repositories/weights-repo.ts';
import { getCheckpoint, putCheckpoint } from '../../src/persistence/repositories/checkpoint-repo.ts';
import type { NamedWeights } from '../../src/core/weights.ts';

async function seedRun(db: PetridishDb, runId: string): Promise<void> {
  await putRun(db, makeRun(runId));
  await putJob(db, makeJob(runId, `${runId}-j1`));
  await putCheckpoint(db, makeCheckpoint(runId, `${runId}-j1`, 3));
}

/** The step that records job j1's result: the job done, its pool point and weights, its checkpoint dropped, the run. */
function stepOf(runId: string, weights: NamedWeights = makeWeights([1, 2, 3])): StepCommit {
  return {
    run: { ...makeRun(runId), snapshot: { step: 2 }, updatedAt: 50 },
    jobs: [{ ...makeJob(runId, `${runId}-j1`), status: 'done', error: null }],
    points: [makePointRecord(runId, `${runId}-p1`, { jobId: `${runId}-j1`, weightsKey: `${runId}-w1` })],
    weights: [{ key: `${runId}-w1`, weights }],
    dropCheckpoints: [`${runId}-j1`],
    journal: [],
    what: `the result of job ${runId}-j1`,
  };
}

async function expectUntouched(db: PetridishDb, runId: string): Promise<void> {
  expect((await listJobs(db, runId)).records.map((j) => j.status)).toEqual(['running']);
  expect((await listPoints(db, runId)).records).toEqual([]);
  expect((await getWeights(db, `${runId}-w1`)).record).toBeNull();
  expect((await getCheckpoint(db, `${runId}-j1`)).record?.epoch).toBe(3);
  expect((await getRun(db, runId)).record).toEqual(makeRun(runId));
}

describe('commitStep: a job\'s result', () => {
  it('writes job, point and weights, drops the checkpoint and writes the run', async () => {
    const { db } = await freshDb();
    await seedRun(db, 'r1');
    await commitStep(db, stepOf('r1'));
    expect((await listJobs(db, 'r1')).records[0]).toMatchObject({ id: 'r1-j1', status: 'done' });
    expect((await listPoints(db, 'r1')).records.map((p) => p.id)).toEqual(['r1-p1']);
    expect(Array.from((await getWeights(db, 'r1-w1')).record?.data ?? [])).toEqual([1, 2, 3]);
    expect((await getCheckpoint(db, 'r1-j1')).record).toBeNull();
    expect((await getRun(db, 'r1')).record).toMatchObject({ snapshot: { step: 2 }, updatedAt: 50, name: 'run r1' });
  });

  it('a search job commits weights and its curve without a pool point', async () => {
    const { db } = await freshDb();
    await seedRun(db, 'r1');
    const history = makeCheckpoint('r1', 'r1-j1', 2).history;
    await commitStep(db, { ...stepOf('r1'), points: [], curves: [{ jobId: 'r1-j1', runId: 'r1', history }] });
    expect((await listPoints(db, 'r1')).records).toEqual([]);
    expect((await getWeights(db, 'r1-w1')).record).not.toBeNull();
    expect((await listCurves(db, 'r1')).records).toEqual([{ jobId: 'r1-j1', runId: 'r1', history }]);
  });

  it('rejects a curve of another run, or one that would not read back, before writing', async () => {
    const { db } = await freshDb();
    await seedRun(db, 'r1');
    const history = makeCheckpoint('r1', 'r1-j1', 2).history;
    await expect(commitStep(db, { ...stepOf('r1'), curves: [{ jobId: 'r1-j1', runId: 'r2', history }] })).rejects.toThrow(/curve r1-j1 belongs to run r2/);
    const broken = [{ ...history[0], epoch: -1 }] as typeof history;
    await expect(commitStep(db, { ...stepOf('r1'), curves: [{ jobId: 'r1-j1', runId: 'r1', history: broken }] })).rejects.toThrow(/the curve of job r1-j1/);
    await expectUntouched(db, 'r1');
    expect((await listCurves(db, 'r1')).records).toEqual([]);
  });

  it('lands nothing when a value cannot be stored midway', async () => {
    const { db } = await freshDb();
    await seedRun(db, 'r1');
    const weights = makeWeights([1, 2, 3]);
    (weights.specs[0] as unknown as { toJSON: () => void }).toJSON = () => undefined; // functions cannot be cloned
    await expect(commitStep(db, stepOf('r1', weights))).rejects.toThrow(/clone|DataCloneError/i);
    await expectUntouched(db, 'r1');
  });

  it('lands nothing when the run is missing, and says why', async () => {
    const { db } = await freshDb();
    await seedRun(db, 'r1');
    await db.delete('runs', 'r1');
    await expect(commitStep(db, stepOf('r1'))).rejects.toThrow(/run r1 is missing or unreadable/);
    expect((await listJobs(db, 'r1')).records.map((j) => j.status)).toEqual(['running']);
    expect((await getWeights(db, 'r1-w1')).record).toBeNull();
  });

  it('a full quota while writing the weights lands nothing and says so', async () => {
    const { db } = await freshDb();
    await seedRun(db, 'r1');
    const realPut = IDBObjectStore.prototype.put;
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === 'weights') throw new DOMException('quota reached', 'QuotaExceededError');
      return realPut.apply(this, args);
    });
    try {
      await expect(commitStep(db, stepOf('r1'))).rejects.toBeInstanceOf(QuotaExceededError);
    } finally {
      put.mockRestore();
    }
    await expectUntouched(db, 'r1');
  });

  it('rejects a point of another run before writing', async () => {
    const { db } = await freshDb();
    await seedRun(db, 'r1');
    const bad = { ...stepOf('r1'), points: [makePointRecord('r2', 'p', { weightsKey: 'r1-w1' })] };
    await expect(commitStep(db, bad)).rejects.toThrow(/belongs to run r2/);
    await expectUntouched(db, 'r1');
  });
});

describe('deleteRun', () => {
  it('removes everything of that run and nothing of another', async () => {
    const { db } = await freshDb();
    for (const id of ['r1', 'r2']) {
      await seedRun(db, id);
      await putJob(db, makeJob(id, `${id}-j2`, { kind: 'search' }));
      await putCheckpoint(db, makeCheckpoint(id, `${id}-j2`, 1));
      await commitStep(db, { ...stepOf(id), curves: [{ jobId: `${id}-j1`, runId: id, history: makeCheckpoint(id, `${id}-j1`, 1).history }] });
      await putWeights(db, `${id}-search`, id, makeWeights([7, 8]));
    }
    await deleteRun(db, 'r1');
    expect(await db.getAllKeys('curves')).toEqual(['r2-j1']);
    expect((await getRun(db, 'r1')).record).toBeNull();
    expect((await listJobs(db, 'r1')).records).toEqual([]);
    expect((await listPoints(db, 'r1')).records).toEqual([]);
    expect(await db.getAllKeys('weights')).toEqual(['r2-search', 'r2-w1']);
    expect(await db.getAllKeys('checkpoints')).toEqual(['r2-j2']);
    expect((await listJobs(db, 'r2')).records).toHaveLength(2);
    expect((await listPoints(db, 'r2')).records).toHaveLength(1);
    expect((await getRun(db, 'r2')).record?.id).toBe('r2');
  });
});

describe('loadRun after a reload', () => {
  it('gives finished jobs with their points and the last checkpoint of running ones', async () => {
    const { db, factory } = await freshDb();
    await seedRun(db, 'r1');
    await putJob(db, makeJob('r1', 'r1-j2', { createdAt: 20 }));
    await putCheckpoint(db, makeCheckpoint('r1', 'r1-j2', 1));
    await putCheckpoint(db, makeCheckpoint('r1', 'r1-j2', 2));
    await commitStep(db, stepOf('r1'));
    db.close();
    const { openPetridishDb } = await import('../../src/persistence/database/db.ts');
    const again = await openPetridishDb({ name: 'test', factory });
    const loaded = await loadRun(again, 'r1');
    expect(loaded.problems).toEqual([]);
    expect(loaded.run?.snapshot).toEqual({ step: 2 });
    expect(loaded.jobs.map((j) => [j.id, j.status])).toEqual([['r1-j1', 'done'], ['r1-j2', 'running']]);
    expect(loaded.points.map((p) => p.jobId)).toEqual(['r1-j1']);
    expect(loaded.checkpoints.map((c) => [c.jobId, c.epoch])).toEqual([['r1-j2', 2]]);
  });
});
