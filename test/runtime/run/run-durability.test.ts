// A run under storage faults, against fake-indexeddb: the browser killed after every write the run makes (each
// step is one transaction, so the reopened run finds jobs, points, weights and run state in agreement and
// loses nothing), one write failing on a full quota or an abort (the run pauses, says what was not saved, and
// resumes to the end), the interrupted job continuing first, and an ended run continued.

import { describe, expect, it } from 'vitest';
import type { SearchPreset } from '../../../src/core/training/training-config.ts';
import type { PetridishDb } from '../../../src/persistence/database/db.ts';
import { openPetridishDb } from '../../../src/persistence/database/db.ts';
import { listJobs } from '../../../src/persistence/repositories/job-repo.ts';
import { listPoints } from '../../../src/persistence/repositories/point-repo.ts';
import { getRun } from '../../../src/persistence/repositories/run-repo.ts';
import { readJournal } from '../../../src/persistence/repositories/step-repo.ts';
import { getWeights } from '../../../src/persistence/repositories/weights-repo.ts';
import { RunController, type RunView } from '../../../src/runtime/run/run-controller.ts';
import { testConfig } from '../../core/scheduler/scheduler-harness.ts';
import { tinySummary } from '../../core/frontier-fixtures.ts';
import { freshDb } from '../../persistence/persistence-fixtures.ts';
import { FakeRunner, isOver, waitUntil } from '../fake-runner.ts';
import { faultyDb, type Fault } from './faulty-db.ts';
import { continueLimits } from '../../../src/core/scheduler/stop-rules.ts';

const SEEDS = 4;

function setup(db: PetridishDb, runner: FakeRunner) {
  let clock = 1_700_000_000_000;
  const seen: { view: RunView | null } = { view: null };
  const deps = { db, dbName: 'test', runner, now: () => (clock += 10), onChange: (v: RunView) => (seen.view = v), journal: true };
  return { deps, seen };
}

function newRun(workers: number, preset: Partial<SearchPreset> = {}) {
  const config = testConfig({ runId: 'r1', workers }, { maxPoolSize: 6, ...preset });
  const run = { id: 'r1', name: 'test run', strategy: config.strategy, preset: config.preset, dataset: tinySummary, budgetMadd: null, workers };
  return { run, config };
}

/** Points, weights, journal and run state agree; no job's result was committed twice or rerun after it. */
async function expectIntact(db: PetridishDb, view: RunView): Promise<void> {
  const points = (await listPoints(db, 'r1')).records;
  expect(points.map((p) => p.id).sort()).toEqual(view.state.pool.map((p) => p.id).sort());
  expect(new Set(points.map((p) => p.jobId)).size).toBe(points.length);
  for (const p of points) expect((await getWeights(db, p.weightsKey)).record, `weights of ${p.id}`).not.toBeNull();
  const jobs = (await listJobs(db, 'r1')).records;
  const done = jobs.filter((j) => j.status === 'done').map((j) => j.id);
  const journal = await readJournal(db, 'r1');
  const committed = new Set<string>();
  for (const entry of journal) {
    const [type, jobId] = entry.split(':') as [string, string];
    expect(committed.has(jobId), `${entry} after that job was committed`).toBe(false);
    if (type === 'done') committed.add(jobId);
  }
  expect([...committed].sort()).toEqual([...done].sort());
  const run = (await getRun(db, 'r1')).record;
  expect(run?.status).toBe(view.state.status === 'stopping' ? 'running' : view.state.status);
}

const active = (v: RunView) => v.state.jobs.filter((j) => j.status === 'queued' || j.status === 'running').length;

/** The writes an uninterrupted run makes (each a transaction). */
async function countWrites(preset: Partial<SearchPreset> = {}): Promise<number> {
  const { db } = await freshDb();
  const f = faultyDb(db, { fault: () => null });
  const runner = new FakeRunner(true, undefined, true);
  const a = setup(f.db, runner);
  await RunController.create(a.deps, newRun(2, preset));
  await waitUntil(() => isOver(a.seen.view), 'the search to finish');
  return f.writes();
}

describe('a run killed between two writes', () => {
  it('reopens after a kill after any write with nothing lost and no job dropped, and completes', async () => {
    const writes = await countWrites();
    expect(writes).toBeGreaterThan(20);
    for (let k = 1; k < writes; k++) {
      const { factory, db } = await freshDb();
      // The browser dies once k writes have committed: every later write of that page fails.
      const dying = faultyDb(db, { fault: (n) => (n > k ? 'abort' : null) });
      const first = new FakeRunner(true, undefined, true);
      const a = setup(dying.db, first);
      await RunController.create(a.deps, newRun(2));
      await waitUntil(() => dying.faulted.length > 0 || isOver(a.seen.view), `write ${k + 1} (the kill)`);
      first.halt();
      const savedPoints = (await listPoints(db, 'r1')).records.map((p) => p.id);
      // A new page: its own connection and its own workers.
      const db2 = await openPetridishDb({ name: 'test', factory });
      const second = new FakeRunner(true, undefined, true);
      const b = setup(db2, second);
      const c = await RunController.open(b.deps, 'r1', { readOnly: false });
      const opened = c.view;
      if (!isOver(opened)) expect(active(opened), `kill after write ${k}: jobs queued or running after the reopen`).toBe(SEEDS);
      await waitUntil(() => isOver(b.seen.view), `the reopened search (killed after write ${k}) to finish`);
      const view = b.seen.view as RunView;
      expect(view.state.finishReason, `kill after write ${k}`).toMatch(/^maxPoolSize/);
      expect(view.fault).toBeNull();
      for (const id of savedPoints) expect(view.state.pool.map((p) => p.id)).toContain(id);
      await expectIntact(db2, view);
      db.close();
      db2.close();
    }
  }, 120_000);
});

describe('a write that fails', () => {
  for (const kind of ['quota', 'abort'] as Fault[]) {
    it(`(${kind}) pauses the run, says what was not saved, and resuming completes it with nothing lost`, async () => {
      // 8 points (4 seeds, 4 grown): enough searches that one of their results is among the failed writes even
      // when the two workers' jobs interleave differently from one run to the next (a loaded machine).
      const preset = { maxPoolSize: 8 };
      const writes = await countWrites(preset);
      const what = new Set<string>();
      for (let k = 2; k < writes; k++) {
        const { db } = await freshDb();
        let healthy = false;
        const f = faultyDb(db, { fault: (n) => (n === k && !healthy ? kind : null) });
        const runner = new FakeRunner(true, undefined, true);
        const a = setup(f.db, runner);
        const c = await RunController.create(a.deps, newRun(2, preset));
        await waitUntil(() => a.seen.view?.fault != null || isOver(a.seen.view), `write ${k} to fail`);
        const fault = a.seen.view?.fault;
        expect(fault, `write ${k}`).toMatch(/^Not saved: .+\. The run is paused/);
        if (kind === 'quota') expect(fault).toMatch(/storage is full: free space/);
        for (const m of (fault ?? '').matchAll(/the result of job \S+ \((pool point|its weights)|the checkpoint of job|the run state/g)) what.add(m[1] ?? m[0]);
        expect((await getRun(db, 'r1')).record?.status).toBe('running');
        // Space is freed; the user resumes.
        healthy = true;
        await c.resume();
        await waitUntil(() => isOver(a.seen.view), `the resumed search (write ${k} failed) to finish`);
        const view = a.seen.view as RunView;
        expect(view.fault).toBeNull();
        expect(view.state.finishReason, `write ${k}`).toMatch(/^maxPoolSize/);
        await expectIntact(db, view);
        db.close();
      }
      // Every kind of write failed at least once: a result with its point and weights, a checkpoint, the run record.
      expect([...what].sort()).toEqual(['its weights', 'pool point', 'the checkpoint of job', 'the run state'].sort());
    }, 120_000);
  }
});

describe('resume', () => {
  it('continues the interrupted job first, from the stored records', async () => {
    const { factory, db } = await freshDb();
    const first = new FakeRunner(false);
    const a = setup(db, first);
    await RunController.create(a.deps, newRun(1));
    await waitUntil(() => first.pending.size === 1, 'the first job');
    const [j1] = [...first.pending.keys()] as [string];
    first.answer(j1);
    await waitUntil(() => first.pending.size === 1 && !first.pending.has(j1), 'the second job');
    const [j2] = [...first.pending.keys()] as [string];
    await first.checkpoint(j2, 0);
    const stored = (await listJobs(db, 'r1')).records.find((j) => j.id === j2);
    expect(stored?.status).toBe('running');
    const second = new FakeRunner(false);
    const b = setup(await openPetridishDb({ name: 'test', factory }), second);
    await RunController.open(b.deps, 'r1', { readOnly: false });
    await waitUntil(() => second.requests.length === 1, 'the first job after the reopen');
    expect(second.requests[0]?.job.id).toBe(j2);
    expect(second.requests[0]?.resume?.jobId).toBe(j2);
  });
});

describe('continuing an ended run', () => {
  it('continues a finished run to a raised pool size; a limit already met is refused with the reason', async () => {
    const { db } = await freshDb();
    const a = setup(db, new FakeRunner(true));
    await RunController.create(a.deps, newRun(2));
    await waitUntil(() => isOver(a.seen.view), 'the search to finish');
    const runner = new FakeRunner(true);
    const b = setup(db, runner);
    const c = await RunController.open(b.deps, 'r1', { readOnly: false });
    expect(c.readOnly).toBe(false);
    await expect(c.continueRun()).rejects.toThrow(/stop rule is already met \(maxPoolSize.*raise that limit/);
    expect(runner.requests).toEqual([]);
    await c.continueRun({ maxPoolSize: 10 });
    await waitUntil(() => isOver(b.seen.view), 'the continued search to finish');
    const view = b.seen.view as RunView;
    expect(view.state.status).toBe('finished');
    expect(view.state.pool.length).toBeGreaterThanOrEqual(10);
    expect((await getRun(db, 'r1')).record?.preset.maxPoolSize).toBe(10);
    await expectIntact(db, view);
  });

  it('continues a stopped run with the limits the page uses: its stopped jobs first, to its pool size', async () => {
    const { db } = await freshDb();
    const a = setup(db, new FakeRunner(false));
    const c0 = await RunController.create(a.deps, newRun(1));
    await waitUntil(() => (a.seen.view?.state.jobs.some((j) => j.status === 'running') ?? false), 'a job to start');
    const stoppedJob = a.seen.view?.state.jobs.find((j) => j.status === 'running')?.id;
    await c0.stop();
    await waitUntil(() => a.seen.view?.state.status === 'stopped', 'the search to stop');
    expect((await getRun(db, 'r1')).record?.status).toBe('stopped');
    const runner = new FakeRunner(true);
    const b = setup(db, runner);
    const c = await RunController.open(b.deps, 'r1', { readOnly: false });
    const s = c.view.state;
    await c.continueRun(continueLimits(s.config.preset, s.pool, s.elapsedSeconds));
    await waitUntil(() => isOver(b.seen.view), 'the continued search to finish');
    const view = b.seen.view as RunView;
    expect(runner.requests[0]?.job.id).toBe(stoppedJob);
    expect(view.state.status).toBe('finished');
    expect(view.state.pool.length).toBeGreaterThanOrEqual(6);
    await expectIntact(db, view);
  });
});
