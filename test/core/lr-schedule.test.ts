import { describe, expect, it } from 'vitest';
import { cosineLr } from '../../src/core/training/lr-schedule.ts';

describe('cosineLr', () => {
  const r = { lr: 0.025, minLr: 0.001, epochs: 10 };
  it('starts at lr, ends at minLr and is halfway at the middle', () => {
    expect(cosineLr(r, 0)).toBeCloseTo(0.025, 12);
    expect(cosineLr(r, 10)).toBeCloseTo(0.001, 12);
    expect(cosineLr(r, 5)).toBeCloseTo(0.013, 12);
  });
  it('decreases monotonically', () => {
    for (let e = 1; e <= 10; e++) expect(cosineLr(r, e)).toBeLessThan(cosineLr(r, e - 1));
  });
  it('rejects epochs outside the phase', () => {
    expect(() => cosineLr(r, 11)).toThrow(/epoch must be an integer in \[0, 10\], got 11/);
    expect(() => cosineLr({ ...r, epochs: 0 }, 0)).toThrow(/recipe.epochs/);
  });
});
