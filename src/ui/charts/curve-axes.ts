// The y axes of the training-curve charts (LiveCurves.svelte) as uPlot options: loss on a readable linear
// axis (at least 3 distinct round ticks even when one short curve barely moves), accuracy in percent from 0.
import type uPlot from 'uplot';
import { linearTicks, readableRange, tickLabels } from './plot-scale.ts';

export interface YAxisOptions {
  scale: uPlot.Scale;
  axis: uPlot.Axis;
}

/**
 * The loss axis: uPlot's own range and splits put every tick of a range like 2.2901..2.2903 at "2.29", which
 * reads as a single tick; readableRange widens such a range and linearTicks labels at least 3 round ticks.
 */
export function lossYAxis(label: string): YAxisOptions {
  return {
    scale: { range: (_u: uPlot, min: number | null, max: number | null) => readableRange(min, max) },
    axis: {
      label,
      splits: (_u: uPlot, _axis: number, lo: number, hi: number) => linearTicks(lo, hi).ticks,
      values: (_u: uPlot, splits: number[]) => tickLabels(splits),
    },
  };
}

/** The accuracy axis: percent from 0 to the next ten above the highest value (at least 10, at most 100). */
export function percentYAxis(label: string): YAxisOptions {
  return {
    scale: { range: (_u: uPlot, _min: number, max: number) => [0, Math.max(10, Math.min(100, Math.ceil(max / 10) * 10))] as uPlot.Range.MinMax },
    axis: { label, values: (_u: uPlot, splits: number[]) => splits.map((v) => `${v}%`) },
  };
}
