// The log-scale axis of the frontier: at least 3 labelled ticks inside any range of a factor of 2 or more,
// with distinct labels, at round values.
import { describe, expect, it } from 'vitest';
import { linearScale, logScale, logTicks, padded, percentTickLabels } from '../../../src/ui/charts/plot-scale.ts';
import { formatCount } from '../../../src/ui/format.ts';

describe('log scale ticks', () => {
  it('labels at least 3 distinct ticks inside every range of 2× or more', () => {
    for (let a = 1; a < 1e9; a *= 1.37) {
      for (const factor of [2, 2.5, 3.3, 7, 12, 40, 150, 1e4]) {
        const ticks = logTicks(a, a * factor);
        expect(ticks.length, `${a}..${a * factor}`).toBeGreaterThanOrEqual(3);
        for (const t of ticks) expect(t >= a * (1 - 1e-9) && t <= a * factor * (1 + 1e-9), `${t} in ${a}..${a * factor}`).toBe(true);
        expect(new Set(ticks.map(formatCount)).size, `labels of ${ticks.join(', ')}`).toBe(ticks.length);
        expect([...ticks].sort((x, y) => x - y)).toEqual(ticks);
      }
    }
  });

  it('prefers powers of ten, then 1-2-5 steps', () => {
    expect(logTicks(50, 2e5)).toEqual([100, 1000, 1e4, 1e5]);
    expect(logTicks(1.2e6, 4e6)).toEqual([2e6, 3e6, 4e6]);
    expect(logTicks(8e5, 9e6)).toEqual([1e6, 2e6, 5e6]);
  });

  it('widens a narrow domain to a factor of 2 and maps its ends to the range', () => {
    const s = logScale([1e6, 1.2e6], [0, 100]);
    expect(s(1e6)).toBeCloseTo(0);
    expect(s(2e6)).toBeCloseTo(100);
    expect(s.ticks.length).toBeGreaterThanOrEqual(3);
  });
});

// The frontier's validation-error axis: fractions shown in percent. Errors of 90 % and 92 % gave ticks half a
// point apart that read "92%, 92%, 91%, 91%, 90%".
describe('percent labels of the frontier axis', () => {
  it('never writes two ticks the same, and writes no more decimals than the ticks need', () => {
    const pairs: [number, number][] = [[0.9, 0.92], [0.9, 0.9], [0.02, 0.031], [0.1, 0.6], [0.0012, 0.0019], [0, 1], [0.249, 0.251]];
    for (const [lo, hi] of pairs) {
      const ticks = linearScale(padded(lo, hi), [0, 100]).ticks;
      const labels = percentTickLabels(ticks);
      expect(new Set(labels).size, `${lo}..${hi}: ${labels.join(' ')}`).toBe(labels.length);
      for (const l of labels) expect(l).toMatch(/^-?\d+(\.\d+)?%$/);
    }
    expect(percentTickLabels([0.9, 0.905, 0.91])).toEqual(['90.0%', '90.5%', '91.0%']);
    expect(percentTickLabels([0, 0.2, 0.4])).toEqual(['0%', '20%', '40%']);
  });
});
