// Lower convex hull and ε-band against O(n³) brute-force definitions on many random integer point sets.

import { describe, expect, it } from 'vitest';
import { epsBand, lowerConvexHull, xOrder } from '../../src/core/hull.ts';
import type { XY } from '../../src/core/hull.ts';
import { createRng } from '../../src/core/rng.ts';
import type { Rng } from '../../src/core/rng.ts';

/** The input plus the fake end point, with later identical copies left out (index −1 = fake). */
function withFake(points: readonly XY[]): { p: XY; i: number }[] {
  const xMax = Math.max(...points.map((p) => p.x));
  const yMin = Math.min(...points.map((p) => p.y));
  const out = points.map((p, i) => ({ p, i }));
  out.push({ p: { x: xMax + Math.max(1, Math.abs(xMax)), y: yMin }, i: -1 });
  return out;
}

function isFirstCopy(points: readonly XY[], i: number): boolean {
  const p = points[i] as XY;
  return points.findIndex((q) => q.x === p.x && q.y === p.y) === i;
}

/** Brute force: i is on the hull iff no lower point shares its x and it is not strictly above any segment. */
function bruteHull(points: readonly XY[]): number[] {
  if (points.length === 0) return [];
  const t = withFake(points);
  const on = points
    .map((_, i) => i)
    .filter((i) => {
      if (!isFirstCopy(points, i)) return false;
      const pi = points[i] as XY;
      if (t.some(({ p }) => p.x === pi.x && p.y < pi.y)) return false;
      for (const { p: a } of t) {
        for (const { p: b } of t) {
          if (!(a.x < pi.x && pi.x < b.x)) continue;
          if ((pi.y - a.y) * (b.x - a.x) > (b.y - a.y) * (pi.x - a.x)) return false;
        }
      }
      return true;
    });
  const rank = new Map(xOrder(points).map((idx, r) => [idx, r]));
  return on.sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number));
}

/** Brute force band with eps = num/den − 1, exactly in integers: y ≤ (num/den)·(lower envelope of points ∪ fake). */
function bruteBand(points: readonly XY[], num: number, den: number): number[] {
  if (points.length === 0) return [];
  const hull = new Set(bruteHull(points));
  const t = withFake(points);
  return xOrder(points).filter((i) => {
    const pi = points[i] as XY;
    if (hull.has(i)) return true;
    // The envelope is the minimum over every point at x and every segment across x: y must be under all of them.
    if (!t.every(({ p }) => p.x !== pi.x || den * pi.y <= num * p.y)) return false;
    return t.every(({ p: a }) =>
      t.every(({ p: b }) => {
        if (!(a.x <= pi.x && pi.x <= b.x && a.x < b.x)) return true;
        const w = b.x - a.x;
        return den * pi.y * w <= num * (a.y * w + (b.y - a.y) * (pi.x - a.x));
      }),
    );
  });
}

function randomPoints(rng: Rng, n: number, span: number, xOffset: number): XY[] {
  const pts: XY[] = [];
  for (let k = 0; k < n; k++) {
    // Copying an earlier point now and then guarantees exact duplicates and repeated x values.
    const copy = pts.length > 0 && rng.next() < 0.15 ? rng.pick(pts) : null;
    pts.push(copy ? { ...copy } : { x: rng.int(span) + xOffset, y: rng.int(span) });
  }
  return pts;
}

describe('lowerConvexHull', () => {
  it('handles 0, 1 and 2 points, identical points, equal x and equal y', () => {
    expect(lowerConvexHull([])).toEqual([]);
    expect(lowerConvexHull([{ x: 3, y: 1 }])).toEqual([0]);
    expect(lowerConvexHull([{ x: 3, y: 1 }, { x: 1, y: 2 }])).toEqual([1, 0]);
    expect(lowerConvexHull([{ x: 1, y: 1 }, { x: 3, y: 2 }])).toEqual([0]);
    expect(lowerConvexHull([{ x: 2, y: 2 }, { x: 2, y: 2 }, { x: 2, y: 2 }])).toEqual([0]);
    expect(lowerConvexHull([{ x: 0, y: 5 }, { x: 0, y: 1 }, { x: 0, y: 3 }])).toEqual([1]);
    expect(lowerConvexHull([{ x: -4, y: 2 }, { x: -1, y: 2 }, { x: -2, y: 2 }])).toEqual([0, 2, 1]);
  });

  it('keeps collinear frontier points and cuts the increasing tail', () => {
    const pts = [
      { x: 0, y: 4 },
      { x: 1, y: 3 },
      { x: 2, y: 2 },
      { x: 3, y: 3 },
      { x: 1, y: 4 },
    ];
    expect(lowerConvexHull(pts)).toEqual([0, 1, 2]);
  });

  it('names a non-finite coordinate', () => {
    expect(() => lowerConvexHull([{ x: 1, y: Number.NaN }])).toThrow(/points\[0\]/);
  });

  it('agrees with the brute-force definition on 3000 random sets with duplicates and collinear points', () => {
    const rng = createRng(12345);
    for (let trial = 0; trial < 3000; trial++) {
      const pts = randomPoints(rng, rng.int(14), 2 + rng.int(8), rng.int(3) - 1);
      expect(lowerConvexHull(pts), JSON.stringify(pts)).toEqual(bruteHull(pts));
    }
  });
});

describe('epsBand', () => {
  it('is empty for no points and contains every hull vertex', () => {
    expect(epsBand([], [], 0.1)).toEqual([]);
    const pts = [{ x: 1, y: 10 }, { x: 5, y: 2 }, { x: 3, y: 20 }];
    const hull = lowerConvexHull(pts);
    expect(epsBand(pts, hull, 0)).toEqual(hull);
  });

  it('interpolates between vertices and is flat after the last one, relative to the hull value', () => {
    const pts = [
      { x: 0, y: 10 },
      { x: 10, y: 0.5 },
      { x: 5, y: 5.3 }, // hull value 5.25: 1% above it
      { x: 20, y: 0.505 }, // flat tail 0.5: 1% above it
      { x: 20, y: 0.52 }, // 4% above it
    ];
    const hull = lowerConvexHull(pts);
    expect(hull).toEqual([0, 1]);
    expect(epsBand(pts, hull, 0.02)).toEqual([0, 2, 1, 3]);
    expect(epsBand(pts, hull, 0.005)).toEqual([0, 1]);
  });

  it('rejects bad eps and hull indices', () => {
    expect(() => epsBand([{ x: 1, y: 1 }], [0], -1)).toThrow(/eps/);
    expect(() => epsBand([{ x: 1, y: 1 }], [3], 0.1)).toThrow(/hull\[0\]/);
  });

  it.each([
    [0, 1, 1],
    [0.25, 5, 4],
    [0.5, 3, 2],
  ])('agrees with the brute-force band for eps = %s on 2000 random sets', (eps, num, den) => {
    const rng = createRng(777 + num);
    for (let trial = 0; trial < 2000; trial++) {
      const pts = randomPoints(rng, rng.int(14), 2 + rng.int(8), 0);
      expect(epsBand(pts, lowerConvexHull(pts), eps), JSON.stringify(pts)).toEqual(bruteBand(pts, num, den));
    }
  });

  it('keeps every hull vertex on real-valued pools (MAdd, error)', () => {
    const rng = createRng(99);
    for (let trial = 0; trial < 300; trial++) {
      const pts = Array.from({ length: 1 + rng.int(40) }, () => ({ x: rng.uniform(1e6, 2e8), y: rng.uniform(0.05, 0.9) }));
      const hull = lowerConvexHull(pts);
      const band = epsBand(pts, hull, 0.025);
      expect(hull.every((h) => band.includes(h))).toBe(true);
      const ys = hull.map((h) => (pts[h] as XY).y);
      expect(ys.every((y, k) => k === 0 || y < (ys[k - 1] as number))).toBe(true);
    }
  });
});
