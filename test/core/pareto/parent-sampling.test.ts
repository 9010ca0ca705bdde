// Parent sampling: the weight formula, band membership, and draw frequencies over many seeded draws.

import { describe, expect, it } from 'vitest';
import { bandPoints, drawIndex, sampleParent, samplingWeights } from '../../../src/core/pareto/parent-sampling.ts';
import { createRng } from '../../../src/core/rng.ts';
import { fakePoint } from '../pool-fixtures.ts';

describe('samplingWeights', () => {
  it('is 1/(1 + scaled count) + 1/(1 + scaled MAdd) with min-max scaling', () => {
    const w = samplingWeights([
      { samplingCount: 0, madd: 100 },
      { samplingCount: 4, madd: 300 },
      { samplingCount: 2, madd: 200 },
    ]);
    expect(w[0]).toBeCloseTo(2, 12);
    expect(w[1]).toBeCloseTo(1, 12);
    expect(w[2]).toBeCloseTo(2 / 1.5, 12);
  });

  it('scales an all-equal column to 0 (no division by zero)', () => {
    expect(samplingWeights([{ samplingCount: 3, madd: 5 }, { samplingCount: 3, madd: 5 }])).toEqual([2, 2]);
    expect(samplingWeights([{ samplingCount: 7, madd: 9 }])).toEqual([2]);
    expect(samplingWeights([])).toEqual([]);
  });

  it('names a bad candidate', () => {
    expect(() => samplingWeights([{ samplingCount: -1, madd: 1 }])).toThrow(/cands\[0\]\.samplingCount/);
    expect(() => samplingWeights([{ samplingCount: 0, madd: Number.NaN }])).toThrow(/cands\[0\]\.madd/);
  });
});

describe('drawIndex', () => {
  it('maps the unit interval onto the cumulative weights', () => {
    expect(drawIndex([1, 3], 0)).toBe(0);
    expect(drawIndex([1, 3], 0.2499)).toBe(0);
    expect(drawIndex([1, 3], 0.25)).toBe(1);
    expect(drawIndex([1, 3], 0.999999)).toBe(1);
  });
});

describe('sampleParent', () => {
  it('returns null for an empty pool and only ever picks ε-band points', () => {
    expect(sampleParent([], 0.025, createRng(1))).toBeNull();
    const pool = [fakePoint('a', 1e6, 0.5), fakePoint('b', 2e6, 0.3), fakePoint('far', 1.5e6, 0.9)];
    expect(bandPoints(pool, 0.025).map((p) => p.id)).toEqual(['a', 'b']);
    const rng = createRng(2);
    for (let k = 0; k < 500; k++) expect(sampleParent(pool, 0.025, rng)?.id).not.toBe('far');
  });

  it('matches the formula probabilities within 4.5 standard errors over 40000 draws', () => {
    // Five points on a convex frontier (all hull vertices) with different counts, plus one inside the band.
    const pool = [
      fakePoint('p1', 1e6, 0.6, 5),
      fakePoint('p2', 2e6, 0.4, 0),
      fakePoint('p3', 4e6, 0.3, 2),
      fakePoint('p4', 8e6, 0.25, 9),
      fakePoint('p5', 16e6, 0.22, 1),
      fakePoint('in', 10e6, 0.245, 3),
    ];
    const cands = bandPoints(pool, 0.05);
    expect(cands.map((p) => p.id)).toEqual(['p1', 'p2', 'p3', 'p4', 'in', 'p5']);
    const w = samplingWeights(cands);
    const total = w.reduce((a, b) => a + b, 0);
    const draws = 40000;
    const hits = new Map<string, number>();
    const rng = createRng(2024);
    for (let k = 0; k < draws; k++) {
      const id = sampleParent(pool, 0.05, rng)?.id ?? 'none';
      hits.set(id, (hits.get(id) ?? 0) + 1);
    }
    cands.forEach((c, i) => {
      const p = (w[i] as number) / total;
      const se = Math.sqrt((p * (1 - p)) / draws);
      expect(Math.abs((hits.get(c.id) ?? 0) / draws - p)).toBeLessThan(4.5 * se);
    });
  });
});
