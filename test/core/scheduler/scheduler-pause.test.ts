// The `jobInterrupted` event: a job stopped on request returns to the queue's front without counting a try.

import { describe, expect, it } from 'vitest';
import { createScheduler, reduce } from '../../../src/core/scheduler/scheduler.ts';
import type { SchedulerState } from '../../../src/core/scheduler/scheduler.ts';
import { testConfig } from './scheduler-harness.ts';

const T0 = 1_700_000_000_000;

function runningIds(s: SchedulerState): string[] {
  return s.jobs.filter((j) => j.status === 'running').map((j) => j.id);
}

describe('jobInterrupted', () => {
  it('while paused: the job is queued at the front with its attempt and batch size, and saved', () => {
    const first = createScheduler(testConfig({ workers: 2 }), T0);
    const [a, b] = runningIds(first.state);
    const paused = reduce(first.state, { type: 'pause', now: T0 + 10 });
    const out = reduce(paused.state, { type: 'jobInterrupted', jobId: a as string, now: T0 + 20 });
    const job = out.state.jobs.find((j) => j.id === a);
    expect(job).toMatchObject({ status: 'queued', attempt: 1, batchSizeScale: 1, error: null });
    expect(out.state.queue[0]).toBe(a);
    expect(out.commands.some((c) => c.type === 'saveJob' && c.job.id === a && c.job.status === 'queued')).toBe(true);
    expect(out.commands.some((c) => c.type === 'runJob')).toBe(false);
    expect(runningIds(out.state)).toEqual([b]);
    expect(out.state.consecutiveFailures).toBe(0);
  });

  it('while running (a cancel that raced a resume): the job is dispatched again at once', () => {
    const first = createScheduler(testConfig({ workers: 1 }), T0);
    const [a] = runningIds(first.state);
    const paused = reduce(first.state, { type: 'pause', now: T0 + 10 });
    const resumed = reduce(paused.state, { type: 'resume', now: T0 + 20 });
    expect(resumed.commands.some((c) => c.type === 'runJob')).toBe(false);
    const out = reduce(resumed.state, { type: 'jobInterrupted', jobId: a as string, now: T0 + 30 });
    const again = out.commands.flatMap((c) => (c.type === 'runJob' ? [c.job] : []));
    expect(again.map((j) => j.id)).toEqual([a]);
    expect(again[0]?.attempt).toBe(1);
  });

  it('while stopping: the job is cancelled and the run ends stopped', () => {
    const first = createScheduler(testConfig({ workers: 1 }), T0);
    const [a] = runningIds(first.state);
    const stopping = reduce(first.state, { type: 'stop', now: T0 + 10 });
    expect(stopping.state.status).toBe('stopping');
    const out = reduce(stopping.state, { type: 'jobInterrupted', jobId: a as string, now: T0 + 20 });
    expect(out.state.jobs.find((j) => j.id === a)?.status).toBe('cancelled');
    expect(out.state.status).toBe('stopped');
  });

  it('is stale (ignored) for a job that is not running', () => {
    const first = createScheduler(testConfig({ workers: 1 }), T0);
    const queued = first.state.jobs.find((j) => j.status === 'queued');
    const out = reduce(first.state, { type: 'jobInterrupted', jobId: queued?.id as string, now: T0 + 5 });
    expect(out.state).toBe(first.state);
  });
});
