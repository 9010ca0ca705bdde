// The pool-size rule with several workers: jobs that end after the rule fired (their cancellation came too
// late) must not push the pool past maxPoolSize, whatever the number of workers, and a run ended this way
// stays continuable.
import { describe, expect, it } from 'vitest';
import { createScheduler, heldForPoolSize } from '../../../src/core/scheduler/scheduler.ts';
import { continueLimits } from '../../../src/core/scheduler/stop-rules.ts';
import type { SearchStrategy } from '../../../src/core/scheduler/scheduler.ts';
import { Sim, testConfig } from './scheduler-harness.ts';

const T0 = 1_700_000_000_000;

/** Steps the fake pool to the end, checking the limit after every event; returns the most jobs held at once. */
function runChecked(sim: Sim, max: number): number {
  let held = 0;
  for (let k = 0; k < 2000 && sim.step(); k++) {
    expect(sim.state.pool.length, `after event ${sim.events.length}`).toBeLessThanOrEqual(max);
    held = Math.max(held, heldForPoolSize(sim.state));
  }
  expect(sim.running()).toBe(0);
  return held;
}

describe('maxPoolSize with several workers', () => {
  const cases: [SearchStrategy, number, number][] = [
    ['petridish', 2, 9], ['petridish', 3, 9], ['petridish', 3, 5], ['petridish', 2, 3], ['random', 3, 7], ['random', 2, 3],
  ];
  it.each(cases)('%s with %i workers ends with exactly maxPoolSize = %i points, even when cancelled jobs finish', (strategy, workers, max) => {
    const sim = new Sim(createScheduler(testConfig({ workers, strategy }, { maxPoolSize: max }), T0), T0, { finishDespiteCancel: true });
    const held = runChecked(sim, max);
    expect(sim.state.status).toBe('finished');
    expect(sim.state.finishReason).toMatch(/^maxPoolSize: the pool has (\d+) points ≥ \1$/);
    expect(sim.state.pool.length).toBe(max);
    // Every point that was saved is in the pool: none was trained and thrown away.
    const saved = sim.outputs.flatMap((o) => o.commands).filter((c) => c.type === 'savePoint');
    expect(saved).toHaveLength(max);
    // The workers were all busy at some time, and near the limit jobs waited rather than overfilling the pool.
    expect(sim.maxRunning).toBe(workers);
    expect(held).toBeGreaterThan(0);
  });

  it('a job in flight that fails for good lets a held job start, and the pool still fills to the limit', () => {
    const failed = new Set<string>();
    const sim = new Sim(createScheduler(testConfig({ workers: 3, maxAttempts: 1 }, { maxPoolSize: 7 }), T0), T0, {
      finishDespiteCancel: true,
      // A job running while another waits for room fails (for good: one try).
      fail: (job) => (failed.has(job.id) ? 'OOM' : null),
    });
    while (sim.state.status === 'running' && heldForPoolSize(sim.state) === 0) sim.step();
    const inFlight = sim.state.jobs.find((j) => j.status === 'running');
    expect(inFlight).toBeDefined();
    failed.add(inFlight?.id ?? '');
    runChecked(sim, 7);
    expect(sim.state.jobs.find((j) => j.id === inFlight?.id)).toMatchObject({ status: 'failed', attempt: 1 });
    expect(sim.state.finishReason).toMatch(/^maxPoolSize/);
    expect(sim.state.pool.length).toBe(7);
  });

  it('a run ended by the pool size continues to the raised limit, again exactly', () => {
    const sim = new Sim(createScheduler(testConfig({ workers: 3 }, { maxPoolSize: 5 }), T0), T0, { finishDespiteCancel: true });
    runChecked(sim, 5);
    expect(sim.state.pool.length).toBe(5);
    const limits = continueLimits(sim.state.config.preset, sim.state.pool, sim.state.elapsedSeconds);
    expect(limits.maxPoolSize).toBe(10);
    sim.feed({ type: 'continue', now: sim.now + 1, limits });
    expect(sim.state.status).toBe('running');
    runChecked(sim, 10);
    expect(sim.state.finishReason).toMatch(/^maxPoolSize/);
    expect(sim.state.pool.length).toBe(10);
  });

  it('a user stop with jobs in flight keeps what they finish, within the limit, and continues', () => {
    const sim = new Sim(createScheduler(testConfig({ workers: 3 }, { maxPoolSize: 8 }), T0), T0, { finishDespiteCancel: true });
    while (sim.state.pool.length < 6) sim.step();
    sim.feed({ type: 'stop', now: sim.now });
    runChecked(sim, 8);
    expect(sim.state.status).toBe('stopped');
    sim.feed({ type: 'continue', now: sim.now + 1 });
    runChecked(sim, 8);
    expect(sim.state.pool.length).toBe(8);
  });
});
