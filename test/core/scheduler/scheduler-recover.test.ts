// Restore from records as storage holds them (a lost job write, a running job stored `running` or, in older
// records, `queued`) and continuing a run that has ended.

import { describe, expect, it } from 'vitest';
import { createScheduler, reduce, restore, snapshot } from '../../../src/core/scheduler/scheduler.ts';
import type { SchedulerEvent, SchedulerState } from '../../../src/core/scheduler/scheduler.ts';
import type { Job } from '../../../src/core/search-types.ts';
import { Sim, testConfig } from './scheduler-harness.ts';

const T0 = 1_700_000_000_000;

function replay(state: SchedulerState, events: readonly SchedulerEvent[]): SchedulerState {
  return events.reduce((s, e) => reduce(s, e).state, state);
}

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

const active = (s: SchedulerState) => s.jobs.filter((j) => j.status === 'queued' || j.status === 'running').length;

describe('restore from stored records', () => {
  const config = testConfig({ workers: 1 }, { maxPoolSize: 10 });
  const full = new Sim(createScheduler(config, T0), T0);
  full.runToEnd();
  const start = createScheduler(config, T0).state;

  it('continues the interrupted job first, whether stored `running` or (older records) `queued`', () => {
    let cuts = 0;
    for (let k = 2; k < full.events.length; k += 2) {
      const at = replay(start, full.events.slice(0, k));
      if (at.status !== 'running') continue;
      const running = at.jobs.filter((j) => j.status === 'running').map((j) => j.id);
      expect(running).toHaveLength(1);
      for (const storedAs of ['running', 'queued'] as const) {
        const jobs = clone(at.jobs).map((j: Job) => (j.status === 'running' ? { ...j, status: storedAs } : j));
        const out = restore(config, clone(snapshot(at)), jobs, clone(at.pool), at.clock);
        const first = out.commands.find((c) => c.type === 'runJob');
        expect(first?.type === 'runJob' && first.job.id, `cut ${k}, stored ${storedAs}`).toBe(running[0]);
        expect(out.notes).toEqual([]);
      }
      cuts += 1;
    }
    expect(cuts).toBeGreaterThan(5);
  });

  it('recreates a lost seed job exactly and replaces any other lost job, so no job is dropped', () => {
    let lostSearch = 0;
    for (let k = 1; k < full.events.length; k++) {
      const at = replay(start, full.events.slice(0, k));
      if (at.status !== 'running') continue;
      const newest = at.jobs.at(-1) as Job;
      if (newest.status !== 'queued') continue;
      const out = restore(config, clone(snapshot(at)), clone(at.jobs.slice(0, -1)), clone(at.pool), at.clock);
      expect(active(out.state), `cut ${k}`).toBe(active(at));
      expect(out.notes).toHaveLength(1);
      expect(out.notes[0]).toContain(newest.id);
      if (newest.kind === 'seed_train') {
        expect(out.state.jobs.find((j) => j.id === newest.id)?.desc).toEqual(newest.desc);
      } else {
        lostSearch += 1;
        expect(out.notes[0]).toMatch(/replaces it/);
        expect(out.state.pendingChoices[newest.id]).toBeUndefined();
      }
      expect(out.commands.some((c) => c.type === 'saveJob')).toBe(true);
    }
    expect(lostSearch).toBeGreaterThan(3);
  });
});

describe('continuing an ended run', () => {
  const config = testConfig({ workers: 2 }, { maxPoolSize: 6 });

  it('refuses nothing silently: with the same limits it ends again at once, naming the rule', () => {
    const sim = new Sim(createScheduler(config, T0), T0);
    sim.runToEnd();
    expect(sim.state.status).toBe('finished');
    const out = reduce(sim.state, { type: 'continue', now: sim.now + 1 });
    expect(out.state.status).toBe('finished');
    expect(out.state.finishReason).toMatch(/^maxPoolSize/);
    expect(out.commands.some((c) => c.type === 'runJob')).toBe(false);
  });

  it('goes on to raised limits with the cancelled jobs queued again and the population topped up', () => {
    const sim = new Sim(createScheduler(config, T0), T0);
    sim.runToEnd();
    const cancelled = sim.state.jobs.filter((j) => j.status === 'cancelled').map((j) => j.id);
    const seeds = seedCount(sim.state);
    const out = sim.feed({ type: 'continue', now: sim.now + 1, limits: { maxPoolSize: 12 } });
    expect(out.state.status).toBe('running');
    expect(out.state.config.preset.maxPoolSize).toBe(12);
    expect(active(out.state)).toBe(seeds);
    for (const id of cancelled) expect(out.state.jobs.find((j) => j.id === id)?.status).not.toBe('cancelled');
    expect(out.commands.filter((c) => c.type === 'runJob')).toHaveLength(2);
    sim.runToEnd();
    expect(sim.state.status).toBe('finished');
    expect(sim.state.pool.length).toBeGreaterThanOrEqual(12);
  });

  it('continues a stopped run with the jobs the stop cancelled, same ids and attempts', () => {
    const sim = new Sim(createScheduler(config, T0), T0);
    for (let i = 0; i < 5; i++) sim.step();
    const running = sim.state.jobs.filter((j) => j.status === 'running' || j.status === 'queued').map((j) => j.id);
    sim.feed({ type: 'stop', now: sim.now });
    sim.runToEnd();
    expect(sim.state.status).toBe('stopped');
    const out = sim.feed({ type: 'continue', now: sim.now + 5 });
    expect(out.state.status).toBe('running');
    expect([...out.state.jobs.filter((j) => j.status === 'running').map((j) => j.id), ...out.state.queue].sort()).toEqual(running.sort());
    sim.runToEnd();
    expect(sim.state.status).toBe('finished');
    expect(sim.state.pool.length).toBeGreaterThanOrEqual(6);
  });

  it('is ignored by a run that has not ended', () => {
    const s = createScheduler(config, T0).state;
    expect(reduce(s, { type: 'continue', now: T0 + 1 }).state).toBe(s);
  });
});

function seedCount(s: SchedulerState): number {
  return createScheduler(s.config, T0).state.jobs.length;
}
