// 2-D hypervolume against a brute-force union of boxes on a compressed grid.

import { describe, expect, it } from 'vitest';
import { hypervolume2d, poolHypervolume } from '../../../src/core/pareto/hypervolume.ts';
import type { XY } from '../../../src/core/pareto/hull.ts';
import { createRng } from '../../../src/core/rng.ts';

function bruteArea(points: readonly XY[], ref: XY): number {
  const xs = [...new Set([...points.map((p) => p.x), ref.x])].filter((x) => x <= ref.x).sort((a, b) => a - b);
  const ys = [...new Set([...points.map((p) => p.y), ref.y])].filter((y) => y <= ref.y).sort((a, b) => a - b);
  let area = 0;
  for (let i = 0; i + 1 < xs.length; i++) {
    for (let j = 0; j + 1 < ys.length; j++) {
      const cx = xs[i] as number;
      const cy = ys[j] as number;
      if (points.some((p) => p.x <= cx && p.y <= cy)) area += ((xs[i + 1] as number) - cx) * ((ys[j + 1] as number) - cy);
    }
  }
  return area;
}

describe('hypervolume2d', () => {
  it('computes simple cases', () => {
    expect(hypervolume2d([], { x: 1, y: 1 })).toBe(0);
    expect(hypervolume2d([{ x: 0, y: 0 }], { x: 2, y: 3 })).toBe(6);
    expect(hypervolume2d([{ x: 0, y: 1 }, { x: 1, y: 0 }], { x: 2, y: 2 })).toBe(3);
    expect(hypervolume2d([{ x: 3, y: 0 }, { x: 0, y: 2 }], { x: 2, y: 2 })).toBe(0);
    expect(poolHypervolume([{ madd: 1, error: 0.5 }], { madd: 3, error: 1 })).toBe(1);
  });

  it('agrees with the brute-force union of boxes on random sets', () => {
    const rng = createRng(5);
    for (let trial = 0; trial < 500; trial++) {
      const pts = Array.from({ length: rng.int(12) }, () => ({ x: rng.int(10), y: rng.int(10) }));
      const ref = { x: 3 + rng.int(8), y: 3 + rng.int(8) };
      expect(hypervolume2d(pts, ref)).toBe(bruteArea(pts, ref));
    }
  });

  it('names a non-finite input', () => {
    expect(() => hypervolume2d([{ x: Number.NaN, y: 0 }], { x: 1, y: 1 })).toThrow(/points\[0\]/);
  });
});
