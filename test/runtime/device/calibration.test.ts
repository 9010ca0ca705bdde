// The time estimate: every job's steps priced by the device's cost model on the job's own network (the search
// phase on the description with the candidate inserted), jobs shared among workers, capped by maxSeconds.
import { describe, expect, it } from 'vitest';
import type { DeviceCostModel } from '../../../src/core/budget/cost-model.ts';
import { jobCosts, searchSizes } from '../../../src/core/budget/estimate.ts';
import { makePreset } from '../../../src/core/presets.ts';
import { describeEstimate, estimateSearch } from '../../../src/runtime/device/calibration.ts';

const mnist = { trainCount: 60_000, testCount: 10_000, numClasses: 10, shape: { height: 28, width: 28, channels: 1 } };
/** One second per step whatever the network (no per-MAdd part), no per-job overhead. */
const perStep: DeviceCostModel = { backend: 'test', train: { secondsPerLayer: 0, secondsPerMadd: 0, rates: [] }, eval: { secondsPerLayer: 0, secondsPerMadd: 0, rates: [] },
  jobOverheadSeconds: 0, measuredSeconds: 0, partial: false, samples: { train: [], eval: [] } };

describe('estimateSearch', () => {
  it('counts seeds, grown pairs and their steps for the tiny preset', () => {
    const p = makePreset('tiny', { maxPoolSize: 3 });
    const m: DeviceCostModel = { ...perStep, train: { secondsPerLayer: 0, secondsPerMadd: 1e-9, rates: [] }, eval: { secondsPerLayer: 0, secondsPerMadd: 0, rates: [] } };
    const e = estimateSearch(p, mnist, m, 1);
    // 2 seeds + 1 grown point; every phase is 1 epoch of 2 steps.
    expect(e.seedJobs).toBe(2);
    expect(e.grownPairs).toBe(1);
    expect(e.steps).toBe(2 * 2 + 1 * (2 + 2));
    // Priced per MAdd: a seed step costs 16 examples × its MAdd; the search step uses the candidate's MAdd.
    const sizes = searchSizes(p, mnist);
    const seedSeconds = sizes.seeds.reduce((a, s) => a + 2 * 16 * s.madd * 1e-9, 0);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const pair = 2 * 16 * 1e-9 * (mean(sizes.searches.map((s) => s.madd)) + mean(sizes.grown.map((s) => s.madd)));
    expect(e.seconds).toBeCloseTo(seedSeconds + pair, 9);
    expect(estimateSearch(p, mnist, m, 2).seconds).toBeCloseTo(e.seconds / 2, 9);
  });

  it('prices the search phase on the network with the candidate inserted, which costs more than its parent', () => {
    const sizes = searchSizes(makePreset('tiny'), mnist);
    sizes.seeds.forEach((s, i) => {
      expect(sizes.searches[i]?.madd).toBeGreaterThan(2 * s.madd);
      expect(sizes.searches[i]?.layers).toBeGreaterThan(s.layers);
    });
  });

  it('adds the per-layer overhead, the validation steps and the per-job overhead', () => {
    const p = makePreset('tiny', { maxPoolSize: 2 });
    const m: DeviceCostModel = { ...perStep, train: { secondsPerLayer: 0.001, secondsPerMadd: 0, rates: [] }, eval: { secondsPerLayer: 0.0005, secondsPerMadd: 0, rates: [] }, jobOverheadSeconds: 3 };
    const sizes = searchSizes(p, mnist);
    // Each seed job: 2 training steps + validation of the 20 held-out examples (10 % of 20 per class) in batches
    // of 16 (2 steps) + the test pass over the preset's 100 test examples (7 steps), plus 3 s.
    expect(p.testExamples).toBe(100);
    const expected = sizes.seeds.map((s) => 2 * 0.001 * s.layers + (2 + 7) * 0.0005 * s.layers + 3);
    expect(jobCosts(m, p, mnist).seeds).toEqual(expected.map((x) => expect.closeTo(x, 9)));
    expect(estimateSearch(p, mnist, m, 1).seconds).toBeCloseTo(expected.reduce((a, b) => a + b, 0), 9);
  });

  it('is capped by maxSeconds', () => {
    const m: DeviceCostModel = { ...perStep, train: { secondsPerLayer: 0.01, secondsPerMadd: 1e-8, rates: [] } };
    const e = estimateSearch(makePreset('standard', { maxSeconds: 600 }), mnist, m, 1);
    expect(e.cappedByMaxSeconds).toBe(true);
    expect(e.seconds).toBe(600);
    expect(describeEstimate(e)).toBe('about 10 min (stopped by the time limit)');
    const free = estimateSearch(makePreset('standard', { maxSeconds: null }), mnist, m, 1);
    expect(free.seconds).toBeGreaterThan(3600);
    expect(free.cappedByMaxSeconds).toBe(false);
    expect(describeEstimate(free)).toMatch(/^about [\d.]+ (h|days)$/);
  });
});
