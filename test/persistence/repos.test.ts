import { afterEach, describe, expect, it, vi } from 'vitest';
import { freshDb, makeCheckpoint, makeDataset, makeJob, makePointRecord, makeRun, makeWeights } from './persistence-fixtures.ts';
import { getRun, isReadOnlyRun, listRuns, putRun } from '../../src/persistence/repositories/run-repo.ts';
import { listJobs, putJob } from '../../src/persistence/repositories/job-repo.ts';
import { getPoint, listPoints, putPoint } from '../../src/persistence/repositories/point-repo.ts';
import { getWeights, putWeights } from '../../src/persistence/repositories/weights-repo.ts';
import { deleteCheckpoint, getCheckpoint, listCheckpoints, putCheckpoint } from '../../src/persistence/repositories/checkpoint-repo.ts';
import { deleteDataset, getDataset, listDatasets, putDataset } from '../../src/persistence/repositories/dataset-repo.ts';
import { QuotaExceededError, isQuotaError, requestPersistence, storageEstimate } from '../../src/persistence/database/quota.ts';
import { DB_VERSION } from '../../src/persistence/database/db.ts';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('round trips', () => {
  it('runs, newest first, with the read-only rule', async () => {
    const { db } = await freshDb();
    await putRun(db, makeRun('r1', { updatedAt: 5 }));
    await putRun(db, makeRun('r2', { updatedAt: 9, status: 'finished', budgetMadd: 1e6 }));
    const list = await listRuns(db);
    expect(list.problems).toEqual([]);
    expect(list.records.map((r) => r.id)).toEqual(['r2', 'r1']);
    expect((await getRun(db, 'r1')).record).toEqual(makeRun('r1', { updatedAt: 5 }));
    expect(await getRun(db, 'missing')).toEqual({ record: null, problems: [] });
    // A finished run can be continued, so it is not read-only.
    expect(list.records.map(isReadOnlyRun)).toEqual([false, false]);
    expect(isReadOnlyRun({ status: 'imported' })).toBe(true);
    expect(await db.get('meta', 'schema')).toEqual({ version: DB_VERSION, migratedFrom: 0 });
  });

  it("keeps a time-budget run's asked budget, and reads a run stored without one", async () => {
    const { db } = await freshDb();
    await putRun(db, makeRun('r1', { budgetSeconds: 120 }));
    await putRun(db, makeRun('r2'));
    expect((await getRun(db, 'r1')).record?.budgetSeconds).toBe(120);
    const old = await getRun(db, 'r2');
    expect(old.problems).toEqual([]);
    expect(old.record).toEqual(makeRun('r2'));
    expect(old.record && 'budgetSeconds' in old.record).toBe(false);
  });

  it('jobs and pool points, per run', async () => {
    const { db } = await freshDb();
    await putJob(db, makeJob('r1', 'j2', { createdAt: 20, status: 'queued' }));
    await putJob(db, makeJob('r1', 'j1'));
    await putJob(db, makeJob('r2', 'j3'));
    expect((await listJobs(db, 'r1')).records).toEqual([makeJob('r1', 'j1'), makeJob('r1', 'j2', { createdAt: 20, status: 'queued' })]);
    await putPoint(db, makePointRecord('r1', 'p1'));
    await putPoint(db, makePointRecord('r2', 'p2'));
    expect((await listPoints(db, 'r1')).records).toEqual([makePointRecord('r1', 'p1')]);
    expect((await getPoint(db, 'p2')).record).toEqual(makePointRecord('r2', 'p2'));
  });

  it('test accuracy round-trips, and records from before it was measured still read back', async () => {
    const { db } = await freshDb();
    const tested = makePointRecord('r1', 'p1', { testAcc: 0.91, testCount: 2000, testSource: 'held-out' });
    await putPoint(db, tested);
    expect((await getPoint(db, 'p1')).record).toEqual(tested);
    // Written as an older version did: no test fields on the point, no testExamples in the preset.
    const { testExamples: _t, ...oldPreset } = makeRun('r0').preset;
    await db.put('runs', { ...makeRun('r0'), preset: oldPreset } as never);
    await db.put('points', makePointRecord('r0', 'p0') as never);
    const run = await getRun(db, 'r0');
    expect(run.problems).toEqual([]);
    expect(run.record?.preset.testExamples).toBeNull();
    const old = await listPoints(db, 'r0');
    expect(old.problems).toEqual([]);
    expect(old.records[0]).toEqual(makePointRecord('r0', 'p0'));
    expect(old.records[0]?.testAcc).toBeUndefined();
    await db.put('points', { ...makePointRecord('r0', 'p9'), testAcc: 1.5 } as never);
    expect((await listPoints(db, 'r0')).problems.map((p) => p.message)).toEqual([expect.stringMatching(/testAcc/)]);
  });

  it('weights, stored compactly even from a view', async () => {
    const { db } = await freshDb();
    const big = new Float32Array([9, 9, 1, 2, 3, 9]);
    const w = { specs: makeWeights([1, 2, 3]).specs, data: big.subarray(2, 5) };
    await putWeights(db, 'w1', 'r1', w);
    const back = await getWeights(db, 'w1');
    expect(back.problems).toEqual([]);
    expect(back.record?.specs).toEqual(w.specs);
    expect(Array.from(back.record?.data ?? [])).toEqual([1, 2, 3]);
    expect(back.record?.data.buffer.byteLength).toBe(12);
  });

  it('checkpoints, latest epoch only', async () => {
    const { db } = await freshDb();
    await putCheckpoint(db, makeCheckpoint('r1', 'j1', 1));
    await putCheckpoint(db, makeCheckpoint('r1', 'j1', 2));
    await putCheckpoint(db, makeCheckpoint('r2', 'j9', 1));
    expect((await getCheckpoint(db, 'j1')).record).toEqual(makeCheckpoint('r1', 'j1', 2));
    expect((await listCheckpoints(db, 'r1')).records.map((c) => c.epoch)).toEqual([2]);
    await deleteCheckpoint(db, 'j1');
    expect((await getCheckpoint(db, 'j1')).record).toBeNull();
  });

  it('datasets: summary for the picker, pixels once', async () => {
    const { db } = await freshDb();
    const ds = makeDataset('d1');
    const summary = await putDataset(db, ds, 42);
    await putDataset(db, ds, 43);
    expect((await listDatasets(db)).records).toEqual([summary]);
    expect(summary.bytes).toBe(20 * 64 + 20 + 10 * 64 + 10);
    // Four parts (train and test, images and labels), one chunk each: replacing the dataset left no extra chunk.
    expect(await db.count('datasetChunks')).toBe(4);
    expect((await getDataset(db, 'd1')).record).toEqual(ds);
    await deleteDataset(db, 'd1');
    expect(await getDataset(db, 'd1')).toEqual({ record: null, problems: [] });
    expect(await db.count('datasetChunks')).toBe(0);
  });

  it('datasets: stored in chunks no larger than the chunk size and read back whole', async () => {
    const { db } = await freshDb();
    const ds = makeDataset('big');
    const chunk = 100;
    await putDataset(db, ds, 1, chunk);
    const chunks = await db.getAll('datasetChunks');
    expect(Math.max(...chunks.map((c) => c.bytes.length))).toBeLessThanOrEqual(chunk);
    // Each chunk is its own buffer (a view would have been stored with its whole buffer).
    expect(chunks.every((c) => c.bytes.buffer.byteLength === c.bytes.length)).toBe(true);
    const parts = [ds.train.images, ds.train.labels, ds.test?.images, ds.test?.labels].map((a) => Math.ceil((a?.length ?? 0) / chunk));
    expect(chunks.length).toBe(parts.reduce((a, b) => a + b, 0));
    expect((await getDataset(db, 'big')).record).toEqual(ds);
    // Replaced by a smaller copy: the chunks of the old one are gone.
    await putDataset(db, { ...ds, test: null }, 2, chunk);
    expect(await db.count('datasetChunks')).toBe(Math.ceil(ds.train.images.length / chunk) + 1);
  });
});

describe('corrupt records', () => {
  it('are reported in problems and skipped', async () => {
    const { db } = await freshDb();
    await putRun(db, makeRun('good'));
    await db.put('runs', { id: 'bad', name: 3 } as never);
    await db.put('runs', { ...makeRun('bad2'), preset: { ...makeRun('x').preset, eps: 'wide' } } as never);
    const list = await listRuns(db);
    expect(list.records.map((r) => r.id)).toEqual(['good']);
    expect(list.problems.map((p) => [p.store, p.key])).toEqual([['runs', 'bad'], ['runs', 'bad2']]);
    expect(list.problems[0]?.message).toMatch(/name: .*expected string/);
    expect(list.problems[1]?.message).toMatch(/preset\.eps/);
    expect((await getRun(db, 'bad')).record).toBeNull();
  });

  it('weights whose specs overrun the data are reported', async () => {
    const { db } = await freshDb();
    const w = makeWeights([1, 2, 3]);
    await db.put('weights', { runId: 'r', specs: w.specs, data: new Float32Array(2) }, 'short');
    const back = await getWeights(db, 'short');
    expect(back.record).toBeNull();
    expect(back.problems[0]).toMatchObject({ store: 'weights', key: 'short' });
    expect(back.problems[0]?.message).toBe('specs[1]: tensor head/bias needs elements 2..3 but data holds 2');
  });

  it('a dataset with missing pixels is reported', async () => {
    const { db } = await freshDb();
    await putDataset(db, makeDataset('d1'));
    const [key] = await db.getAllKeys('datasetChunks');
    await db.delete('datasetChunks', key as string);
    const back = await getDataset(db, 'd1');
    expect(back.record).toBeNull();
    expect(back.problems).toEqual([{ store: 'datasetChunks', key: 'd1', message: expect.stringMatching(/could not be read: .*chunk 1 of 1 of \w+\.\w+ is missing/) }]);
  });
});

describe('a full quota', () => {
  it('maps to the clear error and keeps what was saved before', async () => {
    const { db } = await freshDb();
    await putWeights(db, 'w1', 'r1', makeWeights([1, 2]));
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('quota reached', 'QuotaExceededError');
    });
    const err = await putWeights(db, 'w2', 'r1', makeWeights([3, 4])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaExceededError);
    expect(isQuotaError(err)).toBe(true);
    expect((err as Error).message).toMatch(/storage is full.*weights w2 was not saved.*saved before is intact/);
    expect((err as Error).cause).toBeInstanceOf(DOMException);
    put.mockRestore();
    expect(Array.from((await getWeights(db, 'w1')).record?.data ?? [])).toEqual([1, 2]);
    expect((await getWeights(db, 'w2')).record).toBeNull();
  });

  it('a dataset write whose request never settles is refused when its transaction aborts, never left waiting', async () => {
    // What Chromium does with a value over its size limit: the transaction aborts and the put never settles.
    const { db } = await freshDb();
    await putDataset(db, makeDataset('kept'));
    const original = IDBObjectStore.prototype.put;
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      const request = original.call(this, value, key);
      const swallow = (e: Event): void => e.stopImmediatePropagation();
      request.addEventListener('success', swallow);
      request.addEventListener('error', swallow);
      this.transaction.abort();
      return request;
    });
    const err = await putDataset(db, makeDataset('big')).catch((e: unknown) => e);
    put.mockRestore();
    expect((err as Error).message).toMatch(/^Could not store dataset ".*" \(\d+ bytes\): AbortError.*Nothing of it was kept; datasets stored before are intact/);
    expect((await listDatasets(db)).records.map((d) => d.id)).toEqual(['kept']);
    expect((await getDataset(db, 'kept')).record).toEqual(makeDataset('kept'));
  });

  it('other errors pass through unchanged', () => {
    expect(isQuotaError(new DOMException('x', 'DataCloneError'))).toBe(false);
    expect(isQuotaError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true);
    expect(isQuotaError(null)).toBe(false);
  });
});

describe('storage manager', () => {
  it('asks for persistence and reports usage when the browser offers it', async () => {
    const persist = vi.fn(async () => true);
    vi.stubGlobal('navigator', {
      storage: { persist, persisted: async () => false, estimate: async () => ({ usage: 2048, quota: 1 << 30 }) },
    });
    expect(await requestPersistence()).toBe(true);
    expect(persist).toHaveBeenCalledOnce();
    expect(await storageEstimate()).toEqual({ usage: 2048, quota: 1 << 30 });
    const err = new QuotaExceededError('run "a"', await storageEstimate());
    expect(err.message).toMatch(/^Browser storage is full \(2\.0 KiB of 1\.0 GiB used\): run "a" was not saved/);
  });

  it('says no where there is no storage manager', async () => {
    vi.stubGlobal('navigator', {});
    expect(await requestPersistence()).toBe(false);
    expect(await storageEstimate()).toBeNull();
  });
});
