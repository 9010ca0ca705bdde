// The training-loss axis: at least 3 distinct, round, readable ticks inside its range for any losses, above
// all one short curve whose losses barely move (seen: a single "2.29" tick for one tiny-preset job).
import { describe, expect, it } from 'vitest';
import type uPlot from 'uplot';
import { lossYAxis } from '../../../src/ui/charts/curve-axes.ts';
import { linearTicks, readableRange, tickLabels } from '../../../src/ui/charts/plot-scale.ts';

const u = null as unknown as uPlot;

/** The range, ticks and labels uPlot gets from the loss chart's options for data spanning [min, max]. */
function lossAxisOf(min: number | null, max: number | null): { range: [number, number]; ticks: number[]; labels: string[] } {
  const { scale, axis } = lossYAxis('loss');
  if (typeof scale.range !== 'function' || typeof axis.splits !== 'function' || typeof axis.values !== 'function') {
    throw new Error('the loss axis leaves its range, ticks or labels to uPlot, which writes a tiny range as one repeated label');
  }
  const range = scale.range(u, min as number, max as number, 'y') as [number, number];
  const ticks = axis.splits(u, 1, range[0], range[1], 0, 0);
  const labels = (axis.values as (u: uPlot, splits: number[]) => string[])(u, ticks);
  return { range, ticks, labels };
}

function expectReadable(min: number, max: number): string[] {
  const { range, ticks, labels } = lossAxisOf(min, max);
  const at = `losses ${min}..${max}, range ${range.join('..')}, ticks ${labels.join(' ')}`;
  expect(range[0], at).toBeLessThan(min);
  expect(range[1], at).toBeGreaterThan(max);
  expect(ticks.length, at).toBeGreaterThanOrEqual(3);
  expect(ticks.length, at).toBeLessThanOrEqual(6);
  for (const t of ticks) expect(t >= range[0] - 1e-12 && t <= range[1] + 1e-12, at).toBe(true);
  expect(new Set(labels).size, at).toBe(ticks.length);
  // Readable: at most 4 significant digits.
  for (const l of labels) expect(l.replace(/^-?0*\.?0*/, '').replace('.', '').length, at).toBeLessThanOrEqual(4);
  return labels;
}

describe('the training-loss axis', () => {
  it('shows at least 3 distinct labels for one short curve whose losses span a tiny range', () => {
    expect(expectReadable(2.2901, 2.2903)).toEqual(['2.250', '2.275', '2.300', '2.325']);
    expectReadable(2.29, 2.29);
    expectReadable(0.01234, 0.01235);
  });

  it('keeps at least 3 and at most 6 round ticks for any range of losses', () => {
    for (let lo = 1e-3; lo < 50; lo *= 1.7) {
      for (const spread of [0, 1e-6, 1e-3, 0.02, 0.3, 1, 4, 13, 40]) expectReadable(lo, lo + spread);
    }
  });

  it('draws a wide range as it is, padded, with 1-2-2.5-5 steps', () => {
    const { range, labels } = lossAxisOf(0.5, 2.4);
    expect(range[0]).toBeCloseTo(0.386);
    expect(range[1]).toBeCloseTo(2.514);
    expect(labels).toEqual(['0.5', '1.0', '1.5', '2.0', '2.5']);
  });

  it('without data shows 0 to 1', () => {
    expect(lossAxisOf(null, null).range).toEqual([0, 1]);
    expect(readableRange(Number.NaN, 1)).toEqual([0, 1]);
  });
});

describe('linearTicks and tickLabels', () => {
  it('a degenerate range still gets 3 ticks', () => {
    expect(linearTicks(2, 2).ticks).toEqual([1, 2, 3]);
  });

  it('labels share the fewest decimals that write every tick exactly', () => {
    expect(tickLabels([2.25, 2.275, 2.3])).toEqual(['2.250', '2.275', '2.300']);
    expect(tickLabels([0, 5, 10])).toEqual(['0', '5', '10']);
    expect(tickLabels([-0.5, 0, 0.5])).toEqual(['-0.5', '0.0', '0.5']);
  });
});
