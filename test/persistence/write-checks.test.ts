// Every record the app stores reads back: a record the read check would reject (a NaN or Infinity in a
// history, an error outside [0, 1], …) is refused at the write, naming the field, and nothing of it is stored.

import { describe, expect, it } from 'vitest';
import { freshDb, makeCheckpoint, makeJob, makePointRecord, makeRun, makeWeights } from './persistence-fixtures.ts';
import { listJobs, putJob } from '../../src/persistence/repositories/job-repo.ts';
import { commitStep } from '../../src/persistence/repositories/step-repo.ts';
import { getPoint, listPoints, putPoint } from '../../src/persistence/repositories/point-repo.ts';
import { getRun, putRun } from '../../src/persistence/repositories/run-repo.ts';
import { getWeights } from '../../src/persistence/repositories/weights-repo.ts';
import { getCheckpoint, putCheckpoint } from '../../src/persistence/repositories/checkpoint-repo.ts';
import { UnreadableRecordError } from '../../src/persistence/repositories/repo-helpers.ts';
import type { EpochMetrics } from '../../src/core/search-types.ts';
import type { PointRecord } from '../../src/persistence/database/records.ts';
import { createRng } from '../../src/core/rng.ts';

const epoch = (over: Partial<EpochMetrics> = {}): EpochMetrics =>
  ({ epoch: 1, trainLoss: 2, trainAcc: 0.3, valLoss: 2.1, valAcc: 0.7, lr: 0.025, seconds: 1.5, ...over });

describe('records refused at the write', () => {
  it.each([
    ['valLoss', Number.NaN],
    ['valLoss', Number.POSITIVE_INFINITY],
    ['trainLoss', Number.NEGATIVE_INFINITY],
    ['valAcc', Number.NaN],
  ] as const)('a pool point whose history holds %s = %s, naming the field; nothing is stored', async (field, value) => {
    const { db } = await freshDb();
    const point = makePointRecord('r1', 'p1', { history: [epoch(), epoch({ epoch: 2, [field]: value })] });
    const err = await putPoint(db, point).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableRecordError);
    expect((err as Error).message).toMatch(new RegExp(`^pool point p1 was not saved: it would not read back \\(history\\[1\\]\\.${field}: `));
    expect(await listPoints(db, 'r1')).toEqual({ records: [], problems: [] });
  });

  it('a job result whose point holds a NaN commits nothing: job, point, weights, checkpoint and run stay as they were', async () => {
    const { db } = await freshDb();
    await putRun(db, makeRun('r1'));
    await putJob(db, makeJob('r1', 'r1-j1'));
    await putCheckpoint(db, makeCheckpoint('r1', 'r1-j1', 3));
    const point = makePointRecord('r1', 'r1-p1', { jobId: 'r1-j1', weightsKey: 'r1-w1', history: [epoch({ valLoss: Number.NaN })] });
    await expect(commitStep(db, { run: { ...makeRun('r1'), updatedAt: 50 }, jobs: [{ ...makeJob('r1', 'r1-j1'), status: 'done', error: null }], points: [point],
      weights: [{ key: 'r1-w1', weights: makeWeights([1, 2, 3]) }], dropCheckpoints: ['r1-j1'], journal: [], what: 'the result of job r1-j1' })).rejects.toThrow(/pool point r1-p1 was not saved.*history\[0\]\.valLoss/);
    expect((await listJobs(db, 'r1')).records.map((j) => j.status)).toEqual(['running']);
    expect((await listPoints(db, 'r1')).records).toEqual([]);
    expect((await getWeights(db, 'r1-w1')).record).toBeNull();
    expect((await getCheckpoint(db, 'r1-j1')).record?.epoch).toBe(3);
    expect((await getRun(db, 'r1')).record).toEqual(makeRun('r1'));
  });

  it('a run record that would not read back commits nothing either', async () => {
    const { db } = await freshDb();
    await putRun(db, makeRun('r1'));
    await putJob(db, makeJob('r1', 'r1-j1'));
    await expect(commitStep(db, { run: { ...makeRun('r1'), updatedAt: Number.NaN }, jobs: [{ ...makeJob('r1', 'r1-j1'), status: 'done', error: null }], points: [],
      weights: [{ key: 'r1-w1', weights: makeWeights([1, 2, 3]) }], dropCheckpoints: ['r1-j1'], journal: [], what: 'the result of job r1-j1' })).rejects.toThrow(/run r1 was not saved.*updatedAt/);
    expect((await listJobs(db, 'r1')).records.map((j) => j.status)).toEqual(['running']);
    expect((await getWeights(db, 'r1-w1')).record).toBeNull();
  });

  it('a checkpoint, a job and a run with non-finite numbers', async () => {
    const { db } = await freshDb();
    const ckpt = { ...makeCheckpoint('r1', 'j1', 1), history: [epoch({ valLoss: Number.POSITIVE_INFINITY })] };
    await expect(putCheckpoint(db, ckpt)).rejects.toThrow(/checkpoint of job j1 \(epoch 1\) was not saved.*history\[0\]\.valLoss/);
    expect((await getCheckpoint(db, 'j1')).record).toBeNull();
    await expect(putJob(db, makeJob('r1', 'j1', { batchSizeScale: Number.NaN }))).rejects.toThrow(/job j1 was not saved.*batchSizeScale/);
    await expect(putRun(db, makeRun('r1', { createdAt: Number.POSITIVE_INFINITY }))).rejects.toThrow(/run "run r1" was not saved.*createdAt/);
    expect((await getRun(db, 'r1')).record).toBeNull();
  });
});

describe('every stored record reads back', () => {
  const EDGE = [0, 1, 0.5, 1e-300, 5e-324, 1e300, Number.MAX_VALUE, 0.1 + 0.2, Number.NaN, Number.POSITIVE_INFINITY, -1, 2];

  it('400 pool points with edge-case numbers: each is stored and reads back equal, or is refused and absent', async () => {
    const { db } = await freshDb();
    const rng = createRng(31337);
    let stored = 0;
    let refused = 0;
    for (let k = 0; k < 400; k++) {
      const pick = () => rng.pick(EDGE);
      const history = Array.from({ length: rng.int(3) }, (_, e) => epoch({ epoch: e + 1, trainLoss: pick(), trainAcc: pick(),
        valLoss: pick(), valAcc: pick(), lr: pick(), seconds: pick() }));
      const point: PointRecord = makePointRecord('r1', `p${k}`, { error: rng.pick([0, 1, 0.25, 1 - 1e-16, Number.NaN, 1.5]),
        madd: rng.pick([0, 1, 123456789, 1e15]), history, samplingCount: rng.int(5), parentId: rng.next() < 0.5 ? null : 'p0',
        choices: rng.next() < 0.5 ? null : { normal: [{ input: 0, op: 'skip_connect', stride: 1, alpha: rng.pick([-0.1, 0, 1e-30, 3]) }], reduction: [] },
        ...(rng.next() < 0.5 ? { inheritance: { inherited: rng.int(100), fresh: rng.int(100) } } : {}) });
      const ok = await putPoint(db, point).then(() => true, (e: unknown) => {
        expect(e).toBeInstanceOf(UnreadableRecordError);
        return false;
      });
      const back = await getPoint(db, point.id);
      expect(back.problems).toEqual([]);
      if (ok) {
        stored++;
        expect(back.record).toEqual(point);
      } else {
        refused++;
        expect(back.record).toBeNull();
      }
    }
    expect(stored).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
    const all = await listPoints(db, 'r1');
    expect(all.problems).toEqual([]);
    expect(all.records).toHaveLength(stored);
  });
});
