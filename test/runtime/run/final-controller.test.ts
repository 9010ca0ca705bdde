// FinalController against fake-indexeddb and a fake runner: a final training runs as a job (progress,
// checkpoints), each step (a result with its weights and the next training it starts) is stored in one
// transaction, a step that cannot be saved changes nothing stored, continues from its checkpoint after a reopen,
// pauses and resumes, and never touches the search's pool.

import { describe, expect, it } from 'vitest';
import { makePreset } from '../../../src/core/presets.ts';
import type { PetridishDb } from '../../../src/persistence/database/db.ts';
import { getCheckpoint } from '../../../src/persistence/repositories/checkpoint-repo.ts';
import { listFinals } from '../../../src/persistence/repositories/final-repo.ts';
import { listPoints } from '../../../src/persistence/repositories/point-repo.ts';
import { deleteRun, putRun } from '../../../src/persistence/repositories/run-repo.ts';
import { getWeights } from '../../../src/persistence/repositories/weights-repo.ts';
import { FinalController, type FinalView } from '../../../src/runtime/run/final-controller.ts';
import { makePoint } from '../../core/frontier-fixtures.ts';
import { freshDb, makeRun } from '../../persistence/persistence-fixtures.ts';
import { FakeRunner, outcomeOf, waitUntil } from '../fake-runner.ts';
import { faultyDb, type Fault } from './faulty-db.ts';

const run = makeRun('r1', { status: 'finished', preset: makePreset('tiny') });
const point = makePoint('r1-p0001', 1000, 0.4);

function setup(db: PetridishDb, runner: FakeRunner) {
  let clock = 1_700_000_000_000;
  const seen: { view: FinalView | null } = { view: null };
  const deps = { db, dbName: 'test', runner, now: () => (clock += 10), onChange: (v: FinalView) => (seen.view = v) };
  return { deps, seen };
}

/** Ends the pending job `id` as the worker would: trained weights plus the test accuracy. */
function finish(runner: FakeRunner, id: string, testAcc = 0.7): void {
  const p = runner.pending.get(id);
  if (!p) throw new Error(`${id} is not running`);
  runner.pending.delete(id);
  p.resolve({ ...outcomeOf(p.request.job), finalTest: { testAcc, testLoss: 0.9, testCount: 50, testSource: 'test' } });
}

describe('FinalController', () => {
  it('runs a final training of a point as a job and stores its result and weights, outside the pool', async () => {
    const { db } = await freshDb();
    await putRun(db, run);
    const runner = new FakeRunner(false);
    const { deps, seen } = setup(db, runner);
    const c = await FinalController.open(deps, run);
    const id = await c.request(point, { epochs: 3, initNodeChannels: 8 });
    expect(id).toBe('r1-f0001');
    await waitUntil(() => runner.pending.has(id), 'the job to reach the runner');
    const req = runner.requestsOf(id)[0];
    expect(req?.job).toMatchObject({ kind: 'final_train', desc: { initNodeChannels: 8 }, final: { recipe: { epochs: 3 }, dropPathProb: 0.2 } });
    expect(req?.initWeights).toBeNull();
    expect(req?.resume).toBeNull();
    runner.pending.get(id)?.cb.onProgress({ jobId: id, epoch: 1, epochs: 3, batch: 1, batches: 2, loss: 2.3 });
    expect(seen.view?.live[id]).toMatchObject({ epoch: 1, epochs: 3, batch: 1, loss: 2.3 });
    await runner.checkpoint(id, 1);
    expect((await getCheckpoint(db, id)).record?.epoch).toBe(1);
    finish(runner, id);
    await waitUntil(() => seen.view?.trainings[0]?.status === 'done', 'the training to be recorded');
    await c.idle();
    const stored = (await listFinals(db, 'r1')).records;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ id, runId: 'r1', pointId: point.id, status: 'done', result: { testAcc: 0.7, testCount: 50, weightsKey: `${id}/weights` } });
    expect((await getWeights(db, `${id}/weights`)).record).not.toBeNull();
    expect((await getCheckpoint(db, id)).record).toBeNull();
    expect((await listPoints(db, 'r1')).records).toEqual([]);
    expect(seen.view?.problems).toEqual([]);
    expect(seen.view?.live).toEqual({});
  });

  it('after a reopen continues the running training from its checkpoint; pause and resume go through the checkpoint too', async () => {
    const { db } = await freshDb();
    await putRun(db, run);
    const first = new FakeRunner(false);
    const a = setup(db, first);
    const c1 = await FinalController.open(a.deps, run);
    const id = await c1.request(point, { epochs: 4 });
    await waitUntil(() => first.pending.has(id), 'the job to start');
    await first.checkpoint(id, 2);
    // The page goes away here (the first runner's job is simply abandoned).

    const second = new FakeRunner(false);
    const b = setup(db, second);
    const c2 = await FinalController.open(b.deps, run);
    await waitUntil(() => second.pending.has(id), 'the job to continue');
    expect(second.requestsOf(id)[0]?.resume?.epoch).toBe(2);
    expect(b.seen.view?.live[id]?.epoch).toBe(2);

    await second.checkpoint(id, 3);
    await c2.pause(id);
    await waitUntil(() => b.seen.view?.trainings[0]?.status === 'paused', 'the pause');
    expect(second.cancels).toEqual([id]);
    expect((await listFinals(db, 'r1')).records[0]?.status).toBe('paused');
    await c2.resume(id);
    await waitUntil(() => second.requestsOf(id).length === 2, 'the resumed job');
    expect(second.requestsOf(id)[1]?.resume?.epoch).toBe(3);
    finish(second, id, 0.55);
    await waitUntil(() => b.seen.view?.trainings[0]?.status === 'done', 'the result');
    await c2.idle();
    expect((await listFinals(db, 'r1')).records[0]?.result?.testAcc).toBe(0.55);
  });

  it('a worker that returns no test accuracy fails the training (retried, then failed) and says why', async () => {
    const { db } = await freshDb();
    await putRun(db, run);
    const runner = new FakeRunner(true);
    const { deps, seen } = setup(db, runner);
    const c = await FinalController.open(deps, run);
    const id = await c.request(point);
    await waitUntil(() => seen.view?.trainings[0]?.status === 'failed', 'the failure');
    await c.idle();
    expect(runner.requestsOf(id).map((r) => r.job.batchSizeScale)).toEqual([1, 0.5]);
    expect(seen.view?.trainings[0]?.error).toMatch(/returned no test accuracy/);
  });

  it('refuses bad settings before storing anything, and deleting the run deletes its final trainings', async () => {
    const { db } = await freshDb();
    await putRun(db, run);
    const runner = new FakeRunner(false);
    const c = await FinalController.open(setup(db, runner).deps, run);
    await expect(c.request(point, { epochs: 0 })).rejects.toThrow(/epochs must be an integer/);
    expect((await listFinals(db, 'r1')).records).toEqual([]);
    const id = await c.request(point);
    await waitUntil(() => runner.pending.has(id), 'the job');
    finish(runner, id);
    await waitUntil(() => c.view.trainings[0]?.status === 'done', 'the result');
    await c.idle();
    await deleteRun(db, 'r1');
    expect((await listFinals(db, 'r1')).records).toEqual([]);
    expect((await getWeights(db, `${id}/weights`)).record).toBeNull();
  });
});

describe('FinalController: one transaction per step', () => {
  /** Two trainings of one run: the first running (with a checkpoint at epoch 1), the second queued behind it. */
  async function twoTrainings(fault: () => Fault | null) {
    const { db: real } = await freshDb();
    await putRun(real, run);
    const faulty = faultyDb(real, { fault: () => fault() });
    const runner = new FakeRunner(false);
    const { deps, seen } = setup(faulty.db, runner);
    const c = await FinalController.open(deps, run);
    const a = await c.request(point, { epochs: 2 });
    const b = await c.request(point, { epochs: 2 });
    await waitUntil(() => runner.pending.has(a), 'the first training to start');
    await runner.checkpoint(a, 1);
    await c.idle();
    return { real, faulty, runner, seen, c, a, b };
  }

  it("writes a finished training's result, its weights and the start of the next one in ONE transaction", async () => {
    const { real, faulty, runner, c, a, b } = await twoTrainings(() => null);
    const before = faulty.writes();
    finish(runner, a);
    await waitUntil(() => runner.pending.has(b), 'the second training to start');
    await c.idle();
    expect(faulty.writes() - before).toBe(1);
    const stored = (await listFinals(real, 'r1')).records;
    expect(stored.map((t) => [t.id, t.status])).toEqual([[a, 'done'], [b, 'running']]);
    expect((await getWeights(real, `${a}/weights`)).record).not.toBeNull();
    expect((await getCheckpoint(real, a)).record).toBeNull();
  });

  it('a result that cannot be saved (full storage) lands nothing, pauses that training here and says so; Resume continues it from its checkpoint', async () => {
    let armed = false;
    const { real, runner, seen, c, a, b } = await twoTrainings(() => (armed ? 'quota' : null));
    armed = true;
    finish(runner, a, 0.61);
    await waitUntil(() => (seen.view?.problems.length ?? 0) > 0, 'the storage message');
    await c.idle();
    armed = false;
    expect(seen.view?.problems[0]).toMatch(new RegExp(`^Not saved: the result of final training ${a} .*paused here; its last checkpoint is kept.*storage is full`, 's'));
    // Nothing of the step landed: the stored records are as before the result (a reload would continue it).
    expect((await listFinals(real, 'r1')).records.map((t) => [t.id, t.status])).toEqual([[a, 'running'], [b, 'queued']]);
    expect((await getWeights(real, `${a}/weights`)).record).toBeNull();
    expect((await getCheckpoint(real, a)).record?.epoch).toBe(1);
    // Here: the training waits, paused, and nothing else started in its place.
    expect(seen.view?.trainings.map((t) => [t.id, t.status])).toEqual([[a, 'paused'], [b, 'queued']]);
    expect(runner.pending.size).toBe(0);

    await c.resume(a);
    await waitUntil(() => runner.requestsOf(a).length === 2, 'the resumed training');
    expect(runner.requestsOf(a)[1]?.resume?.epoch).toBe(1);
    finish(runner, a, 0.62);
    await waitUntil(() => runner.pending.has(b), 'the second training');
    finish(runner, b, 0.5);
    await waitUntil(() => seen.view?.trainings.every((t) => t.status === 'done') === true, 'both results');
    await c.idle();
    const stored = (await listFinals(real, 'r1')).records;
    expect(stored.map((t) => [t.id, t.status, t.result?.testAcc])).toEqual([[a, 'done', 0.62], [b, 'done', 0.5]]);
    expect((await getWeights(real, `${a}/weights`)).record).not.toBeNull();
    expect((await getWeights(real, `${b}/weights`)).record).not.toBeNull();
  });
});
