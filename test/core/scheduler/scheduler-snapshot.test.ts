// Snapshot and restore: a run resumed mid-search continues exactly like the uninterrupted one and never
// reruns a finished job; a restored run that already meets a stop rule ends instead of spinning (Archai §8.1).

import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.ts';
import { createScheduler, reduce, restore, snapshot } from '../../../src/core/scheduler/scheduler.ts';
import type { SchedulerEvent, SchedulerState } from '../../../src/core/scheduler/scheduler.ts';
import { Sim, testConfig } from './scheduler-harness.ts';

const T0 = 1_700_000_000_000;

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

function replay(state: SchedulerState, events: readonly SchedulerEvent[]): SchedulerState {
  return events.reduce((s, e) => reduce(s, e).state, state);
}

describe('snapshot / restore', () => {
  const config = testConfig({ workers: 3 }, { maxPoolSize: 14 });
  const full = new Sim(createScheduler(config, T0), T0);
  full.runToEnd();
  const start = createScheduler(config, T0).state;

  it('continues identically to an uninterrupted replay from many cut points', () => {
    let cuts = 0;
    for (let k = 1; k < full.events.length; k += 3) {
      const at = replay(start, full.events.slice(0, k));
      if (at.status !== 'running') continue;
      cuts += 1;
      const running = at.jobs.filter((j) => j.status === 'running').map((j) => j.id);
      const done = new Set(at.jobs.filter((j) => j.status === 'done').map((j) => j.id));
      // Stored records come back in any order, through JSON.
      const jobs = createRng(k).shuffle(clone(at.jobs));
      const out = restore(config, clone(snapshot(at)), jobs, clone(at.pool), at.clock);
      const reruns = out.commands.flatMap((c) => (c.type === 'runJob' ? [c.job.id] : []));
      expect(reruns).toEqual(running);
      expect(out.state).toEqual(at);
      let s = out.state;
      for (const e of full.events.slice(k)) {
        const step = reduce(s, e);
        for (const c of step.commands) if (c.type === 'runJob') expect(done.has(c.job.id)).toBe(false);
        s = step.state;
      }
      expect(s).toEqual(full.state);
    }
    expect(cuts).toBeGreaterThan(5);
  });

  it('puts running jobs back in the queue and dispatches nothing when restored paused', () => {
    const at = replay(start, [...full.events.slice(0, 4), { type: 'pause', now: T0 + 50_000 }]);
    const out = restore(config, snapshot(at), at.jobs, at.pool, T0 + 99_000);
    expect(out.state.status).toBe('paused');
    expect(out.state.jobs.some((j) => j.status === 'running')).toBe(false);
    expect(out.commands.some((c) => c.type === 'runJob')).toBe(false);
    const wasRunning = at.jobs.filter((j) => j.status === 'running').map((j) => j.id);
    expect(wasRunning.length).toBe(3);
    expect(out.state.queue.slice(0, 3)).toEqual(wasRunning);
    expect(out.state.elapsedSeconds).toBe(at.elapsedSeconds);
  });

  it('never reuses an id when the snapshot is older than the stored records', () => {
    const old = replay(start, full.events.slice(0, 2));
    const later = replay(start, full.events.slice(0, 8));
    const out = restore(config, snapshot(old), later.jobs, later.pool, T0);
    expect(out.state.nextJobNumber).toBe(later.jobs.length + 1);
    expect(out.state.nextPointNumber).toBe(later.pool.length + 1);
    expect(out.state.queue.length).toBe(later.jobs.filter((j) => j.status !== 'done').length - 3);
  });

  it('ends a restored run that already meets a stop rule', () => {
    const small = testConfig({ workers: 3 }, { maxPoolSize: 5 });
    const out = restore(small, snapshot(full.state), [], full.state.pool, T0);
    // A run that had finished stays finished: nothing runs, and its end is not announced twice.
    expect(out.state.status).toBe('finished');
    expect(out.commands).toEqual([{ type: 'saveRunState' }]);
    const mid = replay(start, full.events.slice(0, 12));
    const ended = restore(small, snapshot(mid), mid.jobs, mid.pool, T0);
    expect(ended.state.status).toBe('finished');
    expect(ended.state.finishReason).toMatch(/^maxPoolSize/);
    expect(ended.commands).toContainEqual({ type: 'finished', reason: ended.state.finishReason });
    expect(ended.commands.some((c) => c.type === 'runJob')).toBe(false);
  });

  it('rejects a snapshot of another run and foreign ids', () => {
    expect(() => restore(testConfig({ runId: 'other' }), snapshot(start), [], [], T0)).toThrow(/runId/);
    const foreign = { ...(start.jobs[0] as (typeof start.jobs)[number]), id: 'x-j0001' };
    expect(() => restore(config, snapshot(start), [foreign], [], T0)).toThrow(/"x-j0001"/);
  });
});
