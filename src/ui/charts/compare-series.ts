// The frontiers of several runs in the shape uPlot wants: one x array (every vertex's multiply-adds, sorted,
// distinct) and one y array per run (its validation error in percent at its own vertices, null elsewhere;
// the series span the gaps, so each run's frontier is drawn as the line through its own vertices).

import type { FrontierVertex } from '../../core/compare/compare-runs.ts';

/** [x (multiply-adds), ...one series per frontier (validation error, %)]; empty arrays for no vertices. */
export function frontierSeries(frontiers: readonly (readonly FrontierVertex[])[]): (number | null)[][] {
  const xs = [...new Set(frontiers.flatMap((f) => f.map((v) => v.madd)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const series = frontiers.map((f) => {
    const ys = new Array<number | null>(xs.length).fill(null);
    for (const v of f) ys[index.get(v.madd) as number] = v.error * 100;
    return ys;
  });
  return [xs, ...series];
}

/** Series colours by run order: distinct hues, each at least 3:1 against white (WCAG 1.4.11, graphics). */
export const RUN_COLORS = ['#3b6fb6', '#c05621', '#2f7d4f', '#7a3fb0', '#b3261e', '#00796b', '#6d4c41', '#ad1457'] as const;

export function runColor(i: number): string {
  return RUN_COLORS[i % RUN_COLORS.length] as string;
}
