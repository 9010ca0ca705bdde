// Sizing a search to a time budget: the planned search fits the budget on the measured device, a faster
// device (a GPU) gets a richer search than a CPU from the same budget, the choice is explained in plain words,
// and a budget too small for anything still gives the cheapest search, stopped at the budget.
import { describe, expect, it } from 'vitest';
import { fitStepLine, maddRate, singleSampleLine, stepSeconds, type DeviceCostModel } from '../../../src/core/budget/cost-model.ts';
import { estimateSearch } from '../../../src/core/budget/estimate.ts';
import { PLAN_MARGIN, downsampleFor, RUNGS, sizeSearch } from '../../../src/core/budget/size-search.ts';
import { makePreset } from '../../../src/core/presets.ts';
import { seedDescs } from '../../../src/core/space/seeds.ts';
import { validateDesc } from '../../../src/core/space/validate-desc.ts';

const mnist = { trainCount: 60_000, testCount: 10_000, numClasses: 10, shape: { height: 28, width: 28, channels: 1 } };
const model = (backend: string, perLayer: number, perMadd: number, overhead: number): DeviceCostModel => ({
  backend, train: { secondsPerLayer: perLayer, secondsPerMadd: perMadd, rates: [] }, eval: { secondsPerLayer: perLayer / 3, secondsPerMadd: perMadd / 3, rates: [] },
  jobOverheadSeconds: overhead, measuredSeconds: 10, partial: false, samples: { train: [], eval: [] },
});
/** A CPU: about 0.3 GFLOP/s of training (cost ∝ MAdd), little dispatch overhead. */
const cpu = model('cpu', 2e-4, 1e-8, 2);
/** A laptop GPU: dispatch-bound (per-layer cost), 100× cheaper per MAdd. */
const gpu = model('webgpu', 2e-4, 3e-10, 2);

/** Training work of a sized search: examples × epochs × MAdd of its seeds. */
function work(s: ReturnType<typeof sizeSearch>): number {
  const seeds = seedDescs(s.preset, mnist.shape, mnist.numClasses);
  const perClass = s.preset.examplesPerClass ?? 6000;
  const f = s.preset.inputDownsample ?? 1;
  return perClass * s.preset.seedTrain.epochs * s.preset.initNodeChannels ** 2 * (28 / f) ** 2 * seeds.length;
}

describe('sizeSearch', () => {
  it('plans a search that fits the budget and runs until the budget', () => {
    for (const minutes of [10, 15, 60]) {
      const s = sizeSearch({ budgetSeconds: minutes * 60, model: cpu, dataset: mnist, workers: 1 });
      expect(s.fits).toBe(true);
      expect(s.estimate.uncappedSeconds * PLAN_MARGIN).toBeLessThanOrEqual(minutes * 60);
      expect(s.preset.maxSeconds).toBe(minutes * 60);
      expect(s.preset.maxPoolSize).toBeNull();
      expect(s.preset.name).toBe('budget');
      expect(s.preset).toEqual(makePreset('budget', s.overrides));
      expect(s.choice.plannedPoints).toBeGreaterThanOrEqual(6);
      // The planned search, priced again with its pool size: within the budget.
      const planned = estimateSearch({ ...s.preset, maxSeconds: null, maxPoolSize: s.choice.plannedPoints }, mnist, cpu, 1);
      expect(planned.uncappedSeconds).toBeCloseTo(s.estimate.uncappedSeconds, 6);
      for (const { desc } of seedDescs(s.preset, mnist.shape, 10)) expect(() => validateDesc(desc)).not.toThrow();
    }
  });

  it('gives a GPU a bigger search than a CPU from the same budget', () => {
    const onCpu = sizeSearch({ budgetSeconds: 600, model: cpu, dataset: mnist, workers: 1 });
    const onGpu = sizeSearch({ budgetSeconds: 600, model: gpu, dataset: mnist, workers: 1 });
    expect(RUNGS.indexOf(onGpu.choice.rung)).toBeGreaterThan(RUNGS.indexOf(onCpu.choice.rung));
    expect(work(onGpu)).toBeGreaterThan(work(onCpu));
    // More time on the same device never gives a smaller search.
    const longer = sizeSearch({ budgetSeconds: 3600, model: cpu, dataset: mnist, workers: 1 });
    expect(RUNGS.indexOf(longer.choice.rung)).toBeGreaterThanOrEqual(RUNGS.indexOf(onCpu.choice.rung));
    // Two workers share the jobs: at least as rich as one.
    const two = sizeSearch({ budgetSeconds: 600, model: cpu, dataset: mnist, workers: 2 });
    expect(RUNGS.indexOf(two.choice.rung)).toBeGreaterThanOrEqual(RUNGS.indexOf(onCpu.choice.rung));
  });

  it('says what it chose and why', () => {
    const s = sizeSearch({ budgetSeconds: 600, model: cpu, dataset: mnist, workers: 1 });
    const c = s.choice;
    expect(s.explanation).toContain(`${c.inputSize.height}×${c.inputSize.width} inputs`);
    expect(s.explanation).toContain(`${c.epochs} epochs (${Math.max(1, Math.floor(c.epochs / 3))} in the search phase)`);
    expect(s.explanation).toMatch(/fit 10 min on this device \(cpu\)/);
    expect(c.inputSize.height).toBe(Math.floor(28 / c.downsample));
  });

  it('returns the cheapest search, marked as not fitting, when the budget is too short for it', () => {
    const s = sizeSearch({ budgetSeconds: 5, model: cpu, dataset: mnist, workers: 1 });
    expect(s.fits).toBe(false);
    expect(s.choice.rung).toBe(RUNGS[0]);
    expect(s.preset.maxSeconds).toBe(5);
    expect(s.explanation).toMatch(/stops at/);
    expect(() => sizeSearch({ budgetSeconds: 0, model: cpu, dataset: mnist, workers: 1 })).toThrow(/positive number of seconds/);
  });

  it('uses every image of a small dataset and full resolution for small images', () => {
    const digits = { trainCount: 1500, testCount: 0, numClasses: 10, shape: { height: 8, width: 8, channels: 1 } };
    const s = sizeSearch({ budgetSeconds: 3600, model: gpu, dataset: digits, workers: 1 });
    expect(s.preset.inputDownsample).toBe(1);
    expect(s.preset.examplesPerClass).toBeNull();
  });

  it('picks the integer factor closest to the target side, keeping at least 4 pixels', () => {
    expect(downsampleFor(28, 28, 14)).toBe(2);
    expect(downsampleFor(28, 28, 7)).toBe(4);
    expect(downsampleFor(32, 32, 14)).toBe(2);
    expect(downsampleFor(32, 32, 7)).toBe(4);
    expect(downsampleFor(28, 28, 32)).toBe(1);
    expect(downsampleFor(8, 8, 1)).toBe(2);
  });
});

describe('fitStepLine', () => {
  const size = { madd: 1e6, layers: 50, activations: 1e5 };
  it('splits two batch sizes into per-layer overhead and per-MAdd cost', () => {
    // 0.1 s overhead (2 ms × 50 layers) + 1e-8 s per MAdd·example.
    const line = fitStepLine([{ size, batch: 4, seconds: 0.1 + 4e-2 }, { size, batch: 16, seconds: 0.1 + 16e-2 }]);
    expect(line.secondsPerMadd).toBeCloseTo(1e-8, 12);
    expect(line.secondsPerLayer).toBeCloseTo(0.002, 9);
    expect(stepSeconds(line, size, 32)).toBeCloseTo(0.1 + 0.32, 9);
  });

  it('keeps a noisy, falling slope positive and needs two batch sizes', () => {
    const line = fitStepLine([{ size, batch: 4, seconds: 0.5 }, { size, batch: 16, seconds: 0.4 }]);
    expect(line.secondsPerMadd).toBeCloseTo((0.1 * 0.4) / 16e6, 15);
    expect(line.secondsPerLayer).toBeGreaterThanOrEqual(0);
    expect(() => fitStepLine([{ size, batch: 4, seconds: 0.5 }])).toThrow(/two different/);
    const single = singleSampleLine({ size, batch: 4, seconds: 0.2 });
    expect(stepSeconds(single, size, 4)).toBeCloseTo(0.2, 12);
  });

  // A device whose steps cost 2 ms per layer + (1e-9 s per MAdd + 2e-8 s per activation element) per example.
  const perExample = (n: { madd: number; activations: number }): number => 1e-9 * n.madd + 2e-8 * n.activations;
  const timed = (n: typeof size, batch: number): { size: typeof size; batch: number; seconds: number } => ({ size: n, batch, seconds: 0.002 * n.layers + perExample(n) * batch });
  const narrow = { madd: 0.6e6, layers: 66, activations: 80e3 };
  const wide = { madd: 5.7e6, layers: 66, activations: 276e3 };
  const paperSeed = { madd: 10.31e6, layers: 39, activations: 602e3 };
  const truth = (n: typeof size, batch: number): number => 0.002 * n.layers + perExample(n) * batch;

  it('prices a network between two timed widths at its own rate per MAdd, which one width alone cannot', () => {
    const line = fitStepLine([timed(narrow, 4), timed(narrow, 16), timed(wide, 4), timed(wide, 16)]);
    expect(line.rates.map((r) => r.activationsPerMadd)).toEqual([wide.activations / wide.madd, narrow.activations / narrow.madd]);
    expect(line.secondsPerLayer).toBeCloseTo(0.002, 9);
    // The paper preset's first seed has activations per MAdd between the two: priced exactly.
    expect(stepSeconds(line, paperSeed, 128)).toBeCloseTo(truth(paperSeed, 128), 9);
    expect(maddRate(line, paperSeed)).toBeCloseTo(perExample(paperSeed) / paperSeed.madd, 15);
    const narrowOnly = fitStepLine([timed(narrow, 4), timed(narrow, 16)]);
    expect(narrowOnly.rates).toEqual([]);
    expect(stepSeconds(narrowOnly, paperSeed, 128) / truth(paperSeed, 128)).toBeGreaterThan(1.5);
  });

  it('never extrapolates past the timed widths, and leaves out a network timed at one batch size', () => {
    const line = fitStepLine([timed(narrow, 4), timed(narrow, 16), timed(wide, 4), timed(wide, 16)]);
    const wider = { madd: 50e6, layers: 66, activations: 500e3 };
    expect(maddRate(line, wider)).toBeCloseTo(perExample(wide) / wide.madd, 15);
    const narrower = { madd: 0.1e6, layers: 66, activations: 50e3 };
    expect(maddRate(line, narrower)).toBeCloseTo(perExample(narrow) / narrow.madd, 15);
    const oneSided = fitStepLine([timed(narrow, 4), timed(narrow, 16), timed(wide, 4)]);
    expect(oneSided.rates).toEqual([]);
    expect(oneSided.secondsPerMadd).toBeCloseTo(perExample(narrow) / narrow.madd, 15);
  });
});
