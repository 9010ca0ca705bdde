// Choosing the next parent from the ε-band of the pool (spec §3.4): cheap and rarely sampled points are favoured.

import { epsBand, lowerConvexHull } from './hull.ts';
import type { PoolPoint } from '../search-types.ts';

export interface SamplingCandidate {
  samplingCount: number;
  madd: number;
}

/** Min-max scaling to [0, 1]; all equal (or a single value) → all 0, which is Archai's division guard. */
function minMaxScale(xs: readonly number[]): number[] {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const range = hi - lo;
  return xs.map((x) => (range > 0 ? (x - lo) / range : 0));
}

/**
 * Unnormalised weights `1/(1 + scaled count) + 1/(1 + scaled MAdd)`, each in [1, 2]: the least-sampled
 * cheapest candidate gets 2, the most-sampled most expensive 1.
 */
export function samplingWeights(cands: readonly SamplingCandidate[]): number[] {
  cands.forEach((c, i) => {
    if (!Number.isFinite(c.samplingCount) || c.samplingCount < 0) {
      throw new RangeError(`samplingWeights: cands[${i}].samplingCount must be ≥ 0, got ${c.samplingCount}`);
    }
    if (!Number.isFinite(c.madd)) throw new RangeError(`samplingWeights: cands[${i}].madd must be finite, got ${c.madd}`);
  });
  if (cands.length === 0) return [];
  const counts = minMaxScale(cands.map((c) => c.samplingCount));
  const madds = minMaxScale(cands.map((c) => c.madd));
  return cands.map((_, i) => 1 / (1 + (counts[i] as number)) + 1 / (1 + (madds[i] as number)));
}

/** Index drawn with probability proportional to its weight, using one uniform draw. */
export function drawIndex(weights: readonly number[], u: number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i] as number;
    if (u * total < acc) return i;
  }
  // Only reachable through rounding when u is within an ulp of 1.
  return weights.length - 1;
}

/** The pool points inside the ε-band, in MAdd order. */
export function bandPoints(pool: readonly PoolPoint[], eps: number): PoolPoint[] {
  const xy = pool.map((p) => ({ x: p.madd, y: p.error }));
  return epsBand(xy, lowerConvexHull(xy), eps).map((i) => pool[i] as PoolPoint);
}

/**
 * One parent sampled from the ε-band, or null for an empty pool. Pure: the caller increments the returned
 * point's `samplingCount` (the scheduler does, immutably).
 */
export function sampleParent(pool: readonly PoolPoint[], eps: number, rng: { next(): number }): PoolPoint | null {
  const cands = bandPoints(pool, eps);
  if (cands.length === 0) return null;
  return cands[drawIndex(samplingWeights(cands), rng.next())] ?? null;
}
