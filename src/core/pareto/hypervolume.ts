// 2-D hypervolume (area dominated, minimising both cost and error) against a reference point: one number
// that says how good a whole error-vs-cost frontier is, for comparing searches.

import type { XY } from './hull.ts';

/**
 * Area of the union of the boxes [x, ref.x] × [y, ref.y] over the points; points not strictly better than the
 * reference in both coordinates add nothing.
 */
export function hypervolume2d(points: readonly XY[], ref: XY): number {
  if (!Number.isFinite(ref.x) || !Number.isFinite(ref.y)) {
    throw new RangeError(`hypervolume2d: ref must be finite, got (${ref.x}, ${ref.y})`);
  }
  points.forEach((p, i) => {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
      throw new RangeError(`hypervolume2d: points[${i}] must be finite, got (${p.x}, ${p.y})`);
    }
  });
  const inside = points.filter((p) => p.x < ref.x && p.y < ref.y).sort((a, b) => a.x - b.x || a.y - b.y);
  let area = 0;
  let yBest = ref.y;
  // Sweep left to right: each new lower y adds a strip from its x to the reference's x.
  for (const p of inside) {
    if (p.y < yBest) {
      area += (ref.x - p.x) * (yBest - p.y);
      yBest = p.y;
    }
  }
  return area;
}

/** Hypervolume of a pool in (MAdd, error) space. */
export function poolHypervolume(pool: readonly { madd: number; error: number }[], ref: { madd: number; error: number }): number {
  return hypervolume2d(
    pool.map((p) => ({ x: p.madd, y: p.error })),
    { x: ref.madd, y: ref.error },
  );
}
