// The random-search baseline: same seeds and stop rules, then one random architecture per finished training.

import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.ts';
import { createScheduler } from '../../../src/core/scheduler/scheduler.ts';
import { randomMacro } from '../../../src/core/scheduler/jobs.ts';
import { Sim, testConfig } from './scheduler-harness.ts';

const T0 = 1_700_000_000_000;

describe('randomMacro', () => {
  it('draws legal triples over the grid, with nodes up to the grid maximum + 2', () => {
    const rng = createRng(3);
    const grid = { reductions: [1, 3] as [number, number], cells: [3, 8] as [number, number], nodes: [1, 3] as [number, number] };
    const seen = new Set<string>();
    for (let k = 0; k < 3000; k++) {
      const m = randomMacro(grid, rng);
      expect(m.reductions).toBeGreaterThanOrEqual(1);
      expect(m.reductions).toBeLessThanOrEqual(3);
      expect(m.cells).toBeGreaterThanOrEqual(Math.max(3, 2 * m.reductions + 1));
      expect(m.cells).toBeLessThanOrEqual(8);
      expect(m.nodes).toBeGreaterThanOrEqual(1);
      expect(m.nodes).toBeLessThanOrEqual(5);
      seen.add(`${m.reductions}/${m.cells}/${m.nodes}`);
    }
    // Every legal triple: r=1: 6 cell counts, r=2: 4, r=3: 2; times 5 node counts.
    expect(seen.size).toBe((6 + 4 + 2) * 5);
  });

  it('names a grid with no legal triple', () => {
    const grid = { reductions: [3, 3] as [number, number], cells: [3, 5] as [number, number], nodes: [1, 1] as [number, number] };
    expect(() => randomMacro(grid, createRng(1))).toThrow(/cells ≥ 2R\+1/);
  });
});

describe('random strategy', () => {
  it('trains random architectures under the same stop rules, deterministically', () => {
    const config = testConfig({ strategy: 'random', workers: 2 }, { maxPoolSize: 16 });
    const a = new Sim(createScheduler(config, T0), T0);
    a.runToEnd();
    const b = new Sim(createScheduler(config, T0), T0);
    b.runToEnd();
    expect(a.state).toEqual(b.state);
    expect(a.state.finishReason).toMatch(/^maxPoolSize/);
    expect(a.state.pool.length).toBe(16);
    expect(a.state.jobs.every((j) => j.kind === 'seed_train' && j.parentPointId === null)).toBe(true);
    expect(a.state.pool.every((p) => p.stage === 'seed_trained' && p.parentId === null)).toBe(true);
    const randomJobs = a.state.jobs.slice(4);
    expect(randomJobs.length).toBeGreaterThan(10);
    expect(randomJobs.some((j) => j.macro.nodes > 2)).toBe(true);
    for (const j of randomJobs) {
      expect(j.desc.nCells).toBe(j.macro.cells);
      expect(j.desc.cells.normal.nodes.length).toBe(j.macro.nodes);
    }
    const other = new Sim(createScheduler({ ...config, preset: { ...config.preset, seed: 8 } }, T0), T0);
    other.runToEnd();
    expect(other.state.jobs.slice(4).map((j) => j.macro)).not.toEqual(randomJobs.map((j) => j.macro));
  });

  it('replaces a job that failed for good with a new random one', () => {
    const config = testConfig({ strategy: 'random', workers: 1 }, { maxPoolSize: 6 });
    const sim = new Sim(createScheduler(config, T0), T0, { fail: (job) => (job.id === 'run-j0002' ? 'OOM' : null) });
    sim.runToEnd();
    expect(sim.state.jobs.find((j) => j.id === 'run-j0002')?.status).toBe('failed');
    expect(sim.state.pool.length).toBe(6);
  });
});
