// The log-scale axis of the frontier: at least 3 labelled ticks inside any range of a factor of 2 or more,
// with distinct labels, at round values.
import { describe, expect, it } from 'vitest';
import { logScale, logTicks } from '../../../src/ui/charts/plot-scale.ts';
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
