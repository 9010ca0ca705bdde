import { describe, expect, it } from 'vitest';
import { frontierSeries, RUN_COLORS } from '../../../src/ui/charts/compare-series.ts';

describe('frontierSeries', () => {
  it('aligns the frontiers on their shared, sorted multiply-adds with nulls where a run has no vertex', () => {
    const a = [{ id: 'a1', madd: 100, error: 0.5 }, { id: 'a2', madd: 300, error: 0.25 }];
    const b = [{ id: 'b1', madd: 200, error: 0.4 }, { id: 'b2', madd: 300, error: 0.1 }];
    expect(frontierSeries([a, b])).toEqual([
      [100, 200, 300],
      [50, null, 25],
      [null, 40, 10],
    ]);
  });

  it('gives empty arrays when no run has a model', () => {
    expect(frontierSeries([[], []])).toEqual([[], [], []]);
  });
});

describe('RUN_COLORS', () => {
  // Relative luminance (WCAG 2.1) of an sRGB hex colour.
  const luminance = (hex: string): number => {
    const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * (c[0] as number) + 0.7152 * (c[1] as number) + 0.0722 * (c[2] as number);
  };
  it('are distinct and at least 3:1 against the white plot', () => {
    expect(new Set(RUN_COLORS).size).toBe(RUN_COLORS.length);
    for (const c of RUN_COLORS) expect(1.05 / (luminance(c) + 0.05)).toBeGreaterThanOrEqual(3);
  });
});
