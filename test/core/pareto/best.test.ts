// Best-model reporting: lowest error overall and under a MAdd budget.

import { describe, expect, it } from 'vitest';
import { bestModels } from '../../../src/core/pareto/best.ts';
import { epsBand, lowerConvexHull } from '../../../src/core/pareto/hull.ts';
import { fakePoint } from '../pool-fixtures.ts';

describe('bestModels', () => {
  const pool = [
    fakePoint('cheap', 1e6, 0.4),
    fakePoint('mid', 5e6, 0.2, 0, 1),
    fakePoint('big', 9e6, 0.1),
    fakePoint('midTwin', 5e6, 0.2, 0, 0),
  ];

  it('picks the lowest error, not the largest model of the band', () => {
    expect(bestModels(pool, null).lowestError?.id).toBe('big');
    expect(bestModels(pool, null).lowestErrorUnderBudget?.id).toBe('big');
  });

  it('is not the largest-MAdd point of the ε-band when that one has a higher error (Archai §8.7)', () => {
    // b is the lowest error; c costs more and lies within ε = 2.5 % of the flat hull tail, so it ends the band.
    const band = [fakePoint('a', 1e6, 0.3), fakePoint('b', 2e6, 0.1), fakePoint('c', 3e6, 0.102), fakePoint('d', 4e6, 0.2)];
    const xy = band.map((p) => ({ x: p.madd, y: p.error }));
    const ids = epsBand(xy, lowerConvexHull(xy), 0.025).map((i) => band[i]!.id);
    expect(ids).toEqual(['a', 'b', 'c']);
    expect(bestModels(band, null).lowestError?.id).toBe('b');
    expect(bestModels(band, 5e6).lowestErrorUnderBudget?.id).toBe('b');
  });

  it('respects the budget, breaking ties by cost then age', () => {
    expect(bestModels(pool, 6e6).lowestErrorUnderBudget?.id).toBe('midTwin');
    expect(bestModels(pool, 1e6).lowestErrorUnderBudget?.id).toBe('cheap');
    expect(bestModels(pool, 5e5).lowestErrorUnderBudget).toBeNull();
  });

  it('handles an empty pool and rejects a bad budget', () => {
    expect(bestModels([], 1)).toEqual({ lowestError: null, lowestErrorUnderBudget: null });
    expect(() => bestModels(pool, -1)).toThrow(/budgetMadd/);
  });
});
