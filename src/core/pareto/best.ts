// The "best" models of a pool, chosen by lowest error (Archai returned the largest-MAdd ε-band model, §8.7).

import type { PoolPoint } from '../search-types.ts';

export interface BestModels {
  /** Lowest validation error in the pool; ties go to the cheaper, then the earlier point. */
  lowestError: PoolPoint | null;
  /** Lowest error among points with MAdd ≤ the budget; with no budget, the same as `lowestError`. */
  lowestErrorUnderBudget: PoolPoint | null;
}

function better(a: PoolPoint, b: PoolPoint): boolean {
  if (a.error !== b.error) return a.error < b.error;
  if (a.madd !== b.madd) return a.madd < b.madd;
  return a.createdAt < b.createdAt;
}

function lowest(points: readonly PoolPoint[]): PoolPoint | null {
  let best: PoolPoint | null = null;
  for (const p of points) if (best === null || better(p, best)) best = p;
  return best;
}

export function bestModels(pool: readonly PoolPoint[], budgetMadd: number | null): BestModels {
  if (budgetMadd !== null && !(budgetMadd >= 0)) {
    throw new RangeError(`bestModels: budgetMadd must be null or a number ≥ 0, got ${budgetMadd}`);
  }
  const lowestError = lowest(pool);
  const lowestErrorUnderBudget = budgetMadd === null ? lowestError : lowest(pool.filter((p) => p.madd <= budgetMadd));
  return { lowestError, lowestErrorUnderBudget };
}
