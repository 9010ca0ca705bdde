// Best-model reporting: lowest error overall and under a MAdd budget.

import { describe, expect, it } from 'vitest';
import { bestModels } from '../../src/core/best.ts';
import { fakePoint } from './pool-fixtures.ts';

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
