// Whole Petridish searches replayed from fake job results: determinism, dispatch limits, lineage, stop rules,
// retries and failures, pause/resume/stop.

import { describe, expect, it } from 'vitest';
import { countCost } from '../../../src/core/cost/cost.ts';
import { bestModels } from '../../../src/core/pareto/best.ts';
import { frontierMembership } from '../../../src/core/export/format.ts';
import { createScheduler, reduce } from '../../../src/core/scheduler/scheduler.ts';
import type { SchedulerCommand, SchedulerState } from '../../../src/core/scheduler/scheduler.ts';
import { seedDescs } from '../../../src/core/space/seeds.ts';
import type { Job } from '../../../src/core/search-types.ts';
import { Sim, fakeResult, testConfig, testPreset } from './scheduler-harness.ts';

const T0 = 1_700_000_000_000;

function commandsOf(sim: Sim): SchedulerCommand[] {
  return sim.outputs.flatMap((o) => o.commands);
}

function activeJobs(s: SchedulerState): number {
  return s.jobs.filter((j) => j.status === 'queued' || j.status === 'running').length;
}

function deepFreeze<T>(x: T): T {
  if (x !== null && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

describe('createScheduler', () => {
  it('queues every seed and dispatches no more than `workers`', () => {
    const { state, commands } = createScheduler(testConfig({ workers: 3 }), T0);
    expect(state.jobs.map((j) => j.id)).toEqual(['run-j0001', 'run-j0002', 'run-j0003', 'run-j0004']);
    expect(state.jobs.every((j) => j.kind === 'seed_train' && j.parentPointId === null)).toBe(true);
    expect(commands.filter((c) => c.type === 'runJob').map((c) => c.type === 'runJob' && c.job.id)).toEqual([
      'run-j0001',
      'run-j0002',
      'run-j0003',
    ]);
    expect(state.queue).toEqual(['run-j0004']);
    expect(commands.at(-1)).toEqual({ type: 'saveRunState' });
  });

  it('names a bad configuration field', () => {
    expect(() => createScheduler(testConfig({ workers: 0 }), T0)).toThrow(/workers/);
    expect(() => createScheduler(testConfig({ runId: '' }), T0)).toThrow(/runId/);
    expect(() => createScheduler(testConfig({}, { eps: -1 }), T0)).toThrow(/preset\.eps/);
  });
});

describe('a Petridish search replayed from fake results', () => {
  it('is deterministic for a seed and different for another', () => {
    const run = (seed: number): Sim => {
      const sim = new Sim(createScheduler(testConfig({}, { seed }), T0), T0);
      sim.runToEnd();
      return sim;
    };
    const a = run(7);
    const b = run(7);
    const c = run(8);
    expect(a.state).toEqual(b.state);
    expect(a.events).toEqual(b.events);
    expect(a.state.status).toBe('finished');
    expect(c.state.pool.map((p) => p.madd)).not.toEqual(a.state.pool.map((p) => p.madd));
  });

  it('never runs more than `workers` jobs and keeps the population constant', () => {
    for (const workers of [1, 2, 3]) {
      const sim = new Sim(createScheduler(testConfig({ workers }), T0), T0);
      while (sim.state.status === 'running') {
        expect(sim.state.jobs.filter((j) => j.status === 'running').length).toBeLessThanOrEqual(workers);
        expect(activeJobs(sim.state)).toBe(4);
        sim.step();
      }
      sim.runToEnd();
      expect(sim.maxRunning).toBe(workers);
    }
  });

  it('never chooses by test accuracy: other test accuracies change no parent, hull, ε-band or best', () => {
    const run = (testAcc: (job: Job) => number): Sim => {
      const sim = new Sim(createScheduler(testConfig({ budgetMadd: 3e5 }, { maxPoolSize: 14 }), T0), T0, { testAcc });
      sim.runToEnd();
      return sim;
    };
    // Opposite orders: test accuracy rising with one job order, then falling with it.
    const a = run((job) => (Number(job.id.slice(-4)) % 97) / 97);
    const b = run((job) => 1 - (Number(job.id.slice(-4)) % 97) / 97);
    const strip = (s: SchedulerState) => ({ ...s, pool: s.pool.map(({ testAcc: _a, ...p }) => p) });
    expect(a.state.pool.length).toBe(14);
    expect(a.state.pool.every((p) => p.testAcc !== undefined && p.testCount === 100 && p.testSource === 'test')).toBe(true);
    expect(a.state.pool.map((p) => p.testAcc)).not.toEqual(b.state.pool.map((p) => p.testAcc));
    // Same jobs with the same parents, same pool with the same sampling counts, same random state.
    expect(strip(a.state)).toEqual(strip(b.state));
    const frontier = (s: SchedulerState) => {
      const { hull, epsBand } = frontierMembership(s.pool, 0.025);
      const best = bestModels(s.pool, 3e5);
      return { hull, epsBand, best: [best.lowestError?.id, best.lowestErrorUnderBudget?.id] };
    };
    expect(frontier(a.state)).toEqual(frontier(b.state));
    expect(frontier(a.state).hull.length).toBeGreaterThan(1);
  });

  it('keeps the lineage right: parents are pool points, new points start at count 0', () => {
    const sim = new Sim(createScheduler(testConfig({ workers: 3 }), T0), T0);
    sim.runToEnd();
    const { pool, jobs } = sim.state;
    const ids = new Set(pool.map((p) => p.id));
    const byId = new Map(jobs.map((j) => [j.id, j]));
    expect(pool.filter((p) => p.stage === 'search_trained').length).toBeGreaterThan(5);
    pool.forEach((p, k) => {
      const job = byId.get(p.jobId) as Job;
      if (p.stage === 'seed_trained') {
        expect(p.parentId).toBeNull();
        return;
      }
      expect(ids.has(p.parentId as string)).toBe(true);
      const parent = pool.find((q) => q.id === p.parentId);
      expect(pool.indexOf(parent as never)).toBeLessThan(k);
      expect(job.kind).toBe('post_train');
      expect(job.parentPointId).toBe(p.parentId);
      expect(p.macro.nodes).toBe((parent?.macro.nodes ?? 0) + 1);
      expect(p.choices?.normal.length).toBe(3);
      expect(p.madd).toBe(countCost(p.desc).madd);
    });
    for (const cmd of commandsOf(sim)) if (cmd.type === 'savePoint') expect(cmd.point.samplingCount).toBe(0);
    const searches = jobs.filter((j) => j.kind === 'search');
    for (const s of searches) {
      const parent = pool.find((p) => p.id === s.parentPointId);
      expect(s.initWeightsKey).toBe(parent?.weightsKey);
      expect(s.desc).toEqual(parent?.desc);
    }
    const counts = pool.reduce((n, p) => n + p.samplingCount, 0);
    expect(counts).toBe(searches.length);
  });

  it('does not mutate the state it is given', () => {
    const first = createScheduler(testConfig(), T0);
    const frozen = deepFreeze(first.state);
    const job = frozen.jobs[0] as Job;
    expect(() => reduce(frozen, { type: 'jobDone', jobId: job.id, result: fakeResult(job), now: T0 + 5 })).not.toThrow();
  });
});

describe('stop rules', () => {
  it('stops at maxPoolSize with no job running, dropping queued ones', () => {
    const sim = new Sim(createScheduler(testConfig({ workers: 2 }, { maxPoolSize: 9 }), T0), T0);
    sim.runToEnd();
    expect(sim.state.status).toBe('finished');
    expect(sim.state.finishReason).toMatch(/^maxPoolSize/);
    expect(sim.state.pool.length).toBe(9);
    expect(sim.state.jobs.some((j) => j.status === 'queued' || j.status === 'running')).toBe(false);
    // 4 active jobs, less the one whose point hit the limit: the other 3 waited in the queue (the jobs in flight
    // would fill the pool) and are dropped; nothing was running to cancel, so no late point can overfill it.
    expect(sim.state.jobs.filter((j) => j.status === 'cancelled').length).toBe(3);
    const cmds = commandsOf(sim);
    expect(cmds.filter((c) => c.type === 'cancelJob').length).toBe(0);
    expect(cmds.filter((c) => c.type === 'finished')).toEqual([{ type: 'finished', reason: sim.state.finishReason }]);
  });

  it('stops once any point exceeds maxMadd', () => {
    const preset = testPreset();
    const seedMax = Math.max(...seedDescs(preset, { height: 8, width: 8, channels: 1 }, 10).map((s) => countCost(s.desc).madd));
    const sim = new Sim(createScheduler(testConfig({}, { maxMadd: seedMax, maxPoolSize: null }), T0), T0);
    sim.runToEnd();
    expect(sim.state.finishReason).toMatch(/^maxMadd/);
    expect(sim.state.pool.filter((p) => p.madd > seedMax).length).toBe(1);
  });

  it('stops after maxSeconds of running time, excluding paused time', () => {
    let out = createScheduler(testConfig({}, { maxSeconds: 60, maxPoolSize: null }), T0);
    out = reduce(out.state, { type: 'tick', now: T0 + 30_000 });
    out = reduce(out.state, { type: 'pause', now: T0 + 40_000 });
    out = reduce(out.state, { type: 'tick', now: T0 + 500_000 });
    expect(out.state.elapsedSeconds).toBe(40);
    expect(out.state.status).toBe('paused');
    out = reduce(out.state, { type: 'resume', now: T0 + 600_000 });
    out = reduce(out.state, { type: 'tick', now: T0 + 619_000 });
    expect(out.state.status).toBe('running');
    out = reduce(out.state, { type: 'tick', now: T0 + 620_000 });
    expect(out.state.finishReason).toMatch(/^maxSeconds/);
    expect(out.state.status).toBe('stopping');
    expect(out.commands.filter((c) => c.type === 'cancelJob').length).toBe(2);
  });
});

describe('failures', () => {
  it('retries once with half the batch, then marks the job failed and goes on', () => {
    const failing = new Set<string>();
    const sim = new Sim(createScheduler(testConfig({ workers: 2 }, { maxPoolSize: 10 }), T0), T0, {
      fail: (job) => {
        if (job.kind === 'search' && failing.size < 1) failing.add(job.id);
        return failing.has(job.id) ? 'OOM: out of GPU memory' : null;
      },
    });
    while (sim.state.status === 'running') {
      expect(activeJobs(sim.state)).toBe(4);
      sim.step();
    }
    sim.runToEnd();
    const [id] = [...failing];
    const job = sim.state.jobs.find((j) => j.id === id) as Job;
    expect(job).toMatchObject({ status: 'failed', attempt: 2, batchSizeScale: 0.5, error: 'OOM: out of GPU memory' });
    const runs = commandsOf(sim).filter((c) => c.type === 'runJob' && c.job.id === id);
    expect(runs.map((c) => c.type === 'runJob' && [c.job.attempt, c.job.batchSizeScale])).toEqual([
      [1, 1],
      [2, 0.5],
    ]);
    expect(sim.state.finishReason).toMatch(/^maxPoolSize/);
    expect(sim.state.pool.length).toBe(10);
  });

  it('ends with a clear reason when jobs keep failing', () => {
    const sim = new Sim(createScheduler(testConfig({ maxConsecutiveFailures: 3 }), T0), T0, {
      fail: (job) => (job.kind === 'seed_train' ? null : 'context lost'),
    });
    sim.runToEnd();
    expect(sim.state.status).toBe('finished');
    expect(sim.state.finishReason).toMatch(/^tooManyFailures: 3 jobs in a row failed.*context lost/);
    expect(sim.state.pool.length).toBe(4);
  });

  it('ends when every seed failed and nothing can be grown', () => {
    const sim = new Sim(createScheduler(testConfig(), T0), T0, { fail: () => 'boom' });
    sim.runToEnd();
    expect(sim.state.finishReason).toMatch(/^noJobs/);
    expect(sim.state.finishReason).toMatch(/an empty pool has no parent/);
    expect(sim.state.jobs.every((j) => j.status === 'failed' && j.attempt === 2)).toBe(true);
  });
});

describe('ending a search', () => {
  it('says how many points a pool holds when no job is left to grow it', () => {
    const sim = new Sim(createScheduler(testConfig({ workers: 1 }), T0), T0);
    while (sim.state.pool.length < 3) sim.step();
    // A state whose jobs were lost (as after a damaged restore): no job queued or running, three points.
    const lost: SchedulerState = { ...sim.state, jobs: sim.state.jobs.filter((j) => j.status === 'done'), queue: [], pendingChoices: {} };
    const out = reduce(lost, { type: 'tick', now: sim.now + 1 });
    expect(out.state.finishReason).toBe("noJobs: no job is queued or running to grow the pool's 3 points");
    expect(out.state.finishReason).not.toMatch(/empty pool/);
  });

  it('keeps no pending choices for post-train jobs cancelled by the end, whether queued or running', () => {
    let queuedCases = 0;
    let runningCases = 0;
    for (let cut = 1; cut < 40; cut++) {
      const sim = new Sim(createScheduler(testConfig({ workers: 2 }), T0), T0);
      for (let k = 0; k < cut; k++) sim.step();
      const pending = Object.keys(sim.state.pendingChoices);
      if (pending.length === 0 || sim.state.status !== 'running') continue;
      const statusOf = (id: string) => sim.state.jobs.find((j) => j.id === id)?.status;
      queuedCases += pending.filter((id) => statusOf(id) === 'queued').length;
      runningCases += pending.filter((id) => statusOf(id) === 'running').length;
      sim.feed({ type: 'stop', now: sim.now });
      sim.runToEnd();
      expect(sim.state.status).toBe('stopped');
      expect(sim.state.pendingChoices, `stopped after ${cut} steps`).toEqual({});
    }
    expect(queuedCases).toBeGreaterThan(0);
    expect(runningCases).toBeGreaterThan(0);
  });

  it('ends a search finished by a stop rule with no pending choices', () => {
    const sim = new Sim(createScheduler(testConfig({ workers: 3 }, { maxPoolSize: 9 }), T0), T0);
    sim.runToEnd();
    expect(sim.state.finishReason).toMatch(/^maxPoolSize/);
    expect(sim.state.pendingChoices).toEqual({});
  });
});

describe('pause, resume, stop and stale events', () => {
  it('pausing cancels running jobs back to the queue front, dispatches nothing, then resumes them', () => {
    const sim = new Sim(createScheduler(testConfig({ workers: 2 }), T0), T0);
    const running = sim.state.jobs.filter((j) => j.status === 'running').map((j) => j.id);
    const paused = sim.feed({ type: 'pause', now: T0 + 1 });
    expect(paused.commands.filter((c) => c.type === 'cancelJob').map((c) => (c.type === 'cancelJob' ? c.jobId : ''))).toEqual(running);
    sim.step();
    sim.step();
    expect(sim.state.status).toBe('paused');
    expect(sim.state.pool.length).toBe(0);
    expect(sim.running()).toBe(0);
    expect(sim.state.queue.length).toBe(4);
    expect(new Set(sim.state.queue.slice(0, 2))).toEqual(new Set(running));
    const out = sim.feed({ type: 'resume', now: sim.now + 5000 });
    const restarted = out.commands.flatMap((c) => (c.type === 'runJob' ? [c.job] : []));
    expect(restarted.map((j) => j.id).sort()).toEqual([...running].sort());
    expect(restarted.every((j) => j.attempt === 1 && j.batchSizeScale === 1)).toBe(true);
    // The 5 s spent paused do not count as running time.
    expect(sim.state.elapsedSeconds).toBeLessThan(1);
  });

  it('stop cancels running jobs, waits for their answers, and ends stopped', () => {
    const sim = new Sim(createScheduler(testConfig({ workers: 2 }), T0), T0);
    for (let k = 0; k < 6; k++) sim.step();
    const out = sim.feed({ type: 'stop', now: sim.now });
    expect(out.commands.filter((c) => c.type === 'cancelJob').length).toBe(2);
    expect(sim.state.status).toBe('stopping');
    sim.runToEnd();
    expect(sim.state.status).toBe('stopped');
    expect(sim.state.finishReason).toMatch(/^stop/);
    expect(sim.state.jobs.some((j) => j.status === 'queued' || j.status === 'running')).toBe(false);
    const after = reduce(sim.state, { type: 'resume', now: sim.now + 1 });
    expect(after.state).toBe(sim.state);
    expect(after.commands).toEqual([]);
  });

  it('ignores events of jobs that are not running and rejects unknown ids', () => {
    const { state } = createScheduler(testConfig({ workers: 1 }), T0);
    const queued = state.jobs[1] as Job;
    expect(reduce(state, { type: 'jobDone', jobId: queued.id, result: fakeResult(queued), now: T0 + 1 }).state).toBe(state);
    expect(() => reduce(state, { type: 'jobStarted', jobId: 'nope', now: T0 })).toThrow(/unknown jobId "nope"/);
    const started = reduce(state, { type: 'jobStarted', jobId: 'run-j0001', now: T0 + 2000 });
    expect(started.state.elapsedSeconds).toBe(2);
    const wrong = { ...fakeResult(state.jobs[0] as Job), bestValAcc: Number.NaN };
    expect(() => reduce(state, { type: 'jobDone', jobId: 'run-j0001', result: wrong, now: T0 })).toThrow(/bestValAcc/);
  });
});
