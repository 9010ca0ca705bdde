// RunController against fake-indexeddb and a fake runner: a whole search, what is persisted, reopening mid-run,
// retries of failing jobs, pause (cancel back to the queue, resume from the checkpoint) and stop.

import { describe, expect, it } from 'vitest';
import { NanLossError } from '../../../src/ml/errors.ts';
import type { SearchPreset } from '../../../src/core/training/training-config.ts';
import type { PetridishDb } from '../../../src/persistence/database/db.ts';
import { getCheckpoint } from '../../../src/persistence/repositories/checkpoint-repo.ts';
import { listCurves, listJobs } from '../../../src/persistence/repositories/job-repo.ts';
import { listPoints } from '../../../src/persistence/repositories/point-repo.ts';
import { getRun } from '../../../src/persistence/repositories/run-repo.ts';
import { getWeights } from '../../../src/persistence/repositories/weights-repo.ts';
import { RunController, type RunView } from '../../../src/runtime/run/run-controller.ts';
import { testConfig } from '../../core/scheduler/scheduler-harness.ts';
import { tinySummary } from '../../core/frontier-fixtures.ts';
import { freshDb } from '../../persistence/persistence-fixtures.ts';
import { FakeRunner, isOver, outcomeOf, waitUntil } from '../fake-runner.ts';
import type { Job } from '../../../src/core/search-types.ts';

function setup(db: PetridishDb, runner: FakeRunner) {
  let clock = 1_700_000_000_000;
  const seen: { view: RunView | null; events: string[] } = { view: null, events: [] };
  const deps = {
    db,
    dbName: 'test',
    runner,
    now: () => (clock += 10),
    onChange: (v: RunView) => (seen.view = v),
    onJobEvent: (e: { type: string; jobId: string }) => seen.events.push(`${e.type}:${e.jobId}`),
  };
  return { deps, seen };
}

function newRun(workers: number, preset: Partial<SearchPreset> = {}) {
  const config = testConfig({ runId: 'r1', workers }, { maxPoolSize: 6, ...preset });
  const run = { id: 'r1', name: 'test run', strategy: config.strategy, preset: config.preset, dataset: tinySummary, budgetMadd: null, workers };
  return { run, config };
}

function doneCounts(events: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of events) if (e.startsWith('done:')) m.set(e.slice(5), (m.get(e.slice(5)) ?? 0) + 1);
  return m;
}

async function expectConsistentStore(db: PetridishDb, view: RunView): Promise<void> {
  const points = (await listPoints(db, 'r1')).records;
  expect(points.map((p) => p.id).sort()).toEqual(view.state.pool.map((p) => p.id).sort());
  expect(new Set(points.map((p) => p.id)).size).toBe(points.length);
  expect(new Set(points.map((p) => p.jobId)).size).toBe(points.length);
  for (const p of points) expect((await getWeights(db, p.weightsKey)).record, `weights of ${p.id}`).not.toBeNull();
}

describe('RunController', () => {
  it('opens a run whose dataset was deleted read-only, says so, and starts no job', async () => {
    const { db } = await freshDb();
    const first = new FakeRunner(false);
    const a = setup(db, first);
    await RunController.create(a.deps, newRun(1));
    await waitUntil(() => first.pending.size === 1, 'a job on the first runner');
    // The page goes away mid-job, and the dataset is deleted before the run is opened again.
    const second = new FakeRunner(true);
    const b = setup(db, second);
    const gone = await RunController.open({ ...b.deps, hasDataset: async () => false }, 'r1', { readOnly: false });
    expect(gone.readOnly).toBe(true);
    expect(gone.view.readOnly).toBe(true);
    expect(gone.view.datasetGone).toBe(`The dataset "${tinySummary.name}" this run trained on is no longer stored in this browser, so the run is open read-only: its models, scores and exports are all here. Add ${tinySummary.name} again in the dataset picker to resume or continue this run, or to check, download or train its models.`);
    await gone.resume();
    await gone.tick();
    expect(second.requests).toEqual([]);
    expect((await getRun(db, 'r1')).record?.status).toBe('running');
    // With the dataset there, the same run opens as before.
    const present = await RunController.open({ ...b.deps, hasDataset: async (id) => id === tinySummary.id }, 'r1', { readOnly: true });
    expect(present.view.datasetGone).toBeNull();
  });

  it('runs a whole tiny search to its pool-size rule and persists it', async () => {
    const { db } = await freshDb();
    const runner = new FakeRunner(true);
    const { deps, seen } = setup(db, runner);
    await RunController.create(deps, newRun(2));
    await waitUntil(() => isOver(seen.view), 'the search to finish');
    const view = seen.view as RunView;
    expect(view.state.status).toBe('finished');
    expect(view.state.finishReason).toMatch(/^maxPoolSize/);
    expect(view.state.pool.length).toBeGreaterThanOrEqual(6);
    expect(view.state.pool.some((p) => p.stage === 'search_trained')).toBe(true);
    expect(view.problems).toEqual([]);
    await expectConsistentStore(db, view);
    const stored = await getRun(db, 'r1');
    expect(stored.record?.status).toBe('finished');
    const jobs = (await listJobs(db, 'r1')).records;
    expect(jobs.length).toBe(view.state.jobs.length);
    expect(jobs.every((j) => j.status === 'done' || j.status === 'cancelled')).toBe(true);
    // Every job ran once and was committed once.
    const done = jobs.filter((j) => j.status === 'done').map((j) => j.id);
    for (const id of done) expect(runner.requestsOf(id)).toHaveLength(1);
    // A search starts from its parent's stored weights, a post-training from its search's: never from scratch.
    const grown = runner.requests.filter((r) => r.job.kind !== 'seed_train');
    expect(grown.some((r) => r.job.kind === 'search')).toBe(true);
    for (const r of grown) {
      const stored = await getWeights(db, r.job.initWeightsKey ?? '(none)');
      expect(r.initWeights, `${r.job.kind} ${r.job.id}`).not.toBeNull();
      expect(Array.from(r.initWeights?.data ?? [])).toEqual(Array.from(stored.record?.data ?? [NaN]));
    }
    expect([...doneCounts(seen.events).values()].every((n) => n === 1)).toBe(true);
    expect(doneCounts(seen.events).size).toBe(done.length);
  });

  it('stores every finished job\'s curve, a search job\'s too, and a reopened run shows them', async () => {
    const { db } = await freshDb();
    const runner = new FakeRunner(true);
    const a = setup(db, runner);
    await RunController.create(a.deps, newRun(2));
    await waitUntil(() => isOver(a.seen.view), 'the search to finish');
    const done = (await listJobs(db, 'r1')).records.filter((j) => j.status === 'done');
    expect(done.some((j) => j.kind === 'search')).toBe(true);
    const stored = (await listCurves(db, 'r1')).records;
    expect(stored.map((c) => c.jobId).sort()).toEqual(done.map((j) => j.id).sort());
    // Each curve is the history its job reported (the fake runner's one epoch at its best accuracy).
    for (const c of stored) expect(c.history, c.jobId).toEqual(outcomeOf(done.find((j) => j.id === c.jobId) as Job).result.history);
    expect((a.seen.view as RunView).curves.map((c) => c.jobId).sort()).toEqual(done.map((j) => j.id).sort());
    // After a reload (a new controller on the same database), read-only or not, the search jobs' curves are back.
    for (const readOnly of [true, false]) {
      const b = setup(db, new FakeRunner(true));
      const c = await RunController.open(b.deps, 'r1', { readOnly });
      const searchIds = done.filter((j) => j.kind === 'search').map((j) => j.id);
      expect(c.view.curves.filter((k) => searchIds.includes(k.jobId))).toHaveLength(searchIds.length);
      expect(c.view.curves).toHaveLength(done.length);
      expect(c.view.problems).toEqual([]);
    }
  });

  it('a reopened run continues from the checkpoints without redoing finished jobs or duplicating points', async () => {
    const { db } = await freshDb();
    const first = new FakeRunner(false);
    const a = setup(db, first);
    await RunController.create(a.deps, newRun(2));
    await waitUntil(() => first.pending.size === 2, 'two jobs on the first runner');
    const [j1, j2] = [...first.pending.keys()] as [string, string];
    first.answer(j1);
    await waitUntil(() => first.pending.size === 2 && !first.pending.has(j1), 'the next job');
    await first.checkpoint(j2, 1);
    expect((await getCheckpoint(db, j2)).record?.epoch).toBe(1);
    const runningBefore = [...first.pending.keys()];
    // The page goes away: the first controller and its runner are abandoned mid-job.
    const second = new FakeRunner(true);
    const b = setup(db, second);
    const c = await RunController.open(b.deps, 'r1', { readOnly: false });
    expect(c.readOnly).toBe(false);
    await waitUntil(() => isOver(b.seen.view), 'the reopened search to finish');
    expect(second.requestsOf(j1)).toEqual([]);
    expect(second.requestsOf(j2)[0]?.resume?.epoch).toBe(1);
    for (const id of runningBefore) expect(second.requestsOf(id).length).toBeGreaterThanOrEqual(1);
    const view = b.seen.view as RunView;
    expect(view.state.pool.length).toBeGreaterThanOrEqual(6);
    await expectConsistentStore(db, view);
    const done = [...a.seen.events, ...b.seen.events].filter((e) => e.startsWith('done:'));
    expect(new Set(done).size).toBe(done.length);
  });

  it('retries a failing job with half the batch size, then marks it failed with its error, and the search goes on', async () => {
    const { db } = await freshDb();
    const errors = [new Error('GPUDevice was lost: device lost'), new NanLossError(1, 3, Number.NaN)];
    const failWith = (req: { job: { id: string; attempt: number } }) => (req.job.id === 'r1-j0001' ? (errors[req.job.attempt - 1] ?? null) : null);
    const runner = new FakeRunner(true, failWith);
    const { deps, seen } = setup(db, runner);
    await RunController.create(deps, newRun(1));
    await waitUntil(() => isOver(seen.view), 'the search to finish');
    const tries = runner.requestsOf('r1-j0001').map((r) => [r.job.attempt, r.job.batchSizeScale]);
    expect(tries).toEqual([[1, 1], [2, 0.5]]);
    expect(runner.requestsOf('r1-j0001')[1]?.job.error).toMatch(/^GPU device lost/);
    const job = seen.view?.state.jobs.find((j) => j.id === 'r1-j0001');
    expect(job?.status).toBe('failed');
    expect(job?.error).toMatch(/^NaN loss: non-finite training loss/);
    const stored = (await listJobs(db, 'r1')).records.find((j) => j.id === 'r1-j0001');
    expect(stored?.status).toBe('failed');
    expect(seen.view?.state.status).toBe('finished');
    expect(seen.view?.state.pool.length).toBeGreaterThanOrEqual(6);
  });

  it('pause cancels the running jobs back to the queue; resume continues them from their checkpoint', async () => {
    const { db } = await freshDb();
    const runner = new FakeRunner(false);
    const { deps, seen } = setup(db, runner);
    const c = await RunController.create(deps, newRun(2));
    await waitUntil(() => runner.pending.size === 2, 'two running jobs');
    const running = [...runner.pending.keys()];
    await runner.checkpoint(running[0] as string, 1);
    await c.pause();
    expect(runner.cancels.sort()).toEqual([...running].sort());
    await waitUntil(() => seen.view?.state.jobs.filter((j) => j.status === 'running').length === 0, 'the interruptions');
    const state = seen.view?.state;
    expect(state?.status).toBe('paused');
    expect(state?.queue.slice(0, 2).sort()).toEqual([...running].sort());
    expect(state?.jobs.filter((j) => running.includes(j.id)).every((j) => j.attempt === 1 && j.status === 'queued')).toBe(true);
    expect(runner.requests).toHaveLength(2);
    expect((await listJobs(db, 'r1')).records.filter((j) => running.includes(j.id)).every((j) => j.status === 'queued')).toBe(true);
    expect((await getRun(db, 'r1')).record?.status).toBe('paused');
    await c.resume();
    await waitUntil(() => runner.pending.size === 2, 'the jobs to run again');
    expect([...runner.pending.keys()].sort()).toEqual([...running].sort());
    expect(runner.pending.get(running[0] as string)?.request.resume?.epoch).toBe(1);
    expect(runner.pending.get(running[1] as string)?.request.resume).toBeNull();
  });

  it('stop cancels the running jobs and ends the run stopped; it reopens with nothing to run', async () => {
    const { db } = await freshDb();
    const runner = new FakeRunner(false);
    const { deps, seen } = setup(db, runner);
    const c = await RunController.create(deps, newRun(2));
    await waitUntil(() => runner.pending.size === 2, 'two running jobs');
    await c.stop();
    await waitUntil(() => seen.view?.state.status === 'stopped', 'the stop');
    expect(runner.cancels).toHaveLength(2);
    expect((await getRun(db, 'r1')).record?.status).toBe('stopped');
    const again = new FakeRunner(true);
    const b = setup(db, again);
    const reopened = await RunController.open(b.deps, 'r1', { readOnly: false });
    await reopened.idle();
    expect(again.requests).toEqual([]);
    expect(reopened.view.state.status).toBe('stopped');
  });

  // A finished run can now be continued (run-durability.test.ts), so it no longer opens read-only by itself;
  // asked for read-only, or without a continue, it still runs nothing.
  it('a finished run opened read-only ignores commands, and without a continue runs nothing', async () => {
    const { db } = await freshDb();
    const { deps, seen } = setup(db, new FakeRunner(true));
    await RunController.create(deps, newRun(2, { maxPoolSize: 2 }));
    await waitUntil(() => isOver(seen.view), 'the search to finish');
    const runner = new FakeRunner(true);
    const ro = await RunController.open(setup(db, runner).deps, 'r1', { readOnly: true });
    expect(ro.readOnly).toBe(true);
    await ro.resume();
    await expect(ro.continueRun({ maxPoolSize: 9 })).rejects.toThrow(/read-only/);
    expect(runner.requests).toEqual([]);
    const c = await RunController.open(setup(db, runner).deps, 'r1', { readOnly: false });
    expect(c.readOnly).toBe(false);
    await c.resume();
    await c.idle();
    expect(c.view.state.status).toBe('finished');
    expect(runner.requests).toEqual([]);
    expect(c.view.state.pool.length).toBeGreaterThanOrEqual(2);
    expect(c.view.state.pool.length).toBe((await listPoints(db, 'r1')).records.length);
  });
});
