// Lower convex hull and ε-band against O(n³) brute-force definitions on many random integer point sets.

import { describe, expect, it } from 'vitest';
import { HULL_TOLERANCE, epsBand, lowerConvexHull, xOrder } from '../../../src/core/pareto/hull.ts';
import type { XY } from '../../../src/core/pareto/hull.ts';
import { createRng } from '../../../src/core/rng.ts';
import type { Rng } from '../../../src/core/rng.ts';

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

// Adversarial sets: equal costs, one-ulp differences, exact duplicates and (rounded) collinear points, at the
// scale of real pools (MAdd up to 1e9, error in [0, 1]). The brute-force definition states the tolerance rules
// of src/core/pareto/hull.ts independently: same-cost groups, the decreasing rule and convexity within the tolerance.

const bits = new DataView(new ArrayBuffer(8));
/** The double `k` units in the last place above `v` (v ≥ 0). */
function ulpsAbove(v: number, k: number): number {
  bits.setFloat64(0, v);
  bits.setBigUint64(0, bits.getBigUint64(0) + BigInt(k));
  return bits.getFloat64(0);
}

function adversarialPoints(rng: Rng): XY[] {
  const n = 1 + rng.int(12);
  const pts: XY[] = [];
  for (let k = 0; k < n; k++) {
    const r = rng.next();
    const prev = pts.length > 0 ? rng.pick(pts) : null;
    if (prev && r < 0.2) pts.push({ ...prev }); // exact duplicate
    else if (prev && r < 0.45) pts.push({ x: prev.x, y: ulpsAbove(prev.y, 1 + rng.int(3)) }); // same cost, last bits
    else if (prev && r < 0.55) pts.push({ x: ulpsAbove(prev.x, 1 + rng.int(3)), y: prev.y }); // cost one ulp apart
    else if (pts.length >= 2 && r < 0.75) {
      // On the line through two earlier points (rounded), between, before or after them.
      const a = rng.pick(pts);
      const b = rng.pick(pts);
      const t = rng.pick([-0.5, 0.25, 0.5, 0.75, 1.5]);
      const x = Math.round(a.x + t * (b.x - a.x));
      const y = a.y + t * (b.y - a.y);
      if (x >= 0 && y >= 0 && y <= 1) pts.push({ x, y });
    } else if (r < 0.85) pts.push({ x: 1e6 * (1 + rng.int(8)), y: rng.pick([0.1, 0.2, 0.3, 0.4, 0.5]) }); // round values
    else pts.push({ x: 1e6 + rng.int(1e9), y: rng.next() });
  }
  return pts;
}

const TOL = 1e-9;

/** Brute force: i is a vertex iff it stands for its cost group, nothing cheaper is better, and it lies on or under every chord. */
function bruteHullTol(points: readonly XY[]): number[] {
  const sorted = points.map((_, i) => i).sort((i, j) => points[i]!.x - points[j]!.x || points[i]!.y - points[j]!.y || i - j);
  const groupOf = new Map<number, number>();
  let start = Number.NaN;
  let g = -1;
  for (const i of sorted) {
    const x = points[i]!.x;
    if (g < 0 || x - start > TOL * Math.max(1, Math.abs(start))) {
      g++;
      start = x;
    }
    groupOf.set(i, g);
  }
  return sorted.filter((i) => {
    const p = points[i]!;
    const group = sorted.filter((j) => groupOf.get(j) === groupOf.get(i));
    if (group.some((j) => points[j]!.y < p.y || (points[j]!.y === p.y && j < i))) return false;
    if (points.some((q, j) => groupOf.get(j)! < groupOf.get(i)! && q.y < p.y)) return false;
    return points.every((a) => points.every((b) => {
      if (!(a.x < p.x && p.x < b.x)) return true;
      const onChord = a.y + ((b.y - a.y) * (p.x - a.x)) / (b.x - a.x);
      return p.y - onChord <= TOL * Math.max(1, Math.abs(a.y), Math.abs(b.y), Math.abs(p.y));
    }));
  });
}

describe('lowerConvexHull on adversarial sets (tolerance HULL_TOLERANCE)', () => {
  it('states its tolerance', () => {
    expect(HULL_TOLERANCE).toBe(TOL);
  });

  it('keeps one vertex per cost when errors differ in the last bit (MAdd strictly increases)', () => {
    // Found by a random search: the old chain kept points 0 and 2 (same MAdd) on the hull, in that order.
    const pts = [
      { x: 168553233, y: 0.8741908152001867 },
      { x: 197185726, y: 0.10051248134137712 },
      { x: 168553233, y: 0.8741908152001868 },
      { x: 197185726, y: 0.10051248134137715 },
      { x: 168553233, y: 0.8741908152001869 },
      { x: 408921700, y: 0.7470224386765726 },
    ];
    expect(lowerConvexHull(pts)).toEqual([0, 1]);
    // …and never a vertex above a cheaper one: the old chain put point 0 after point 3 here.
    const tail = [
      { x: 801629212, y: 0.9821682167156451 },
      { x: 801629212, y: 0.9821682167156454 },
      { x: 801629212, y: 0.9821682167156455 },
      { x: 82597552, y: 0.21706270762582436 },
      { x: 801629212, y: 0.9821682167156455 },
    ];
    expect(lowerConvexHull(tail)).toEqual([3]);
  });

  it('merges costs within the tolerance and keeps the lower error', () => {
    expect(lowerConvexHull([{ x: 1e8, y: 0.3 }, { x: 1e8 + 0.05, y: 0.2 }, { x: 2e8, y: 0.1 }])).toEqual([1, 2]);
    expect(lowerConvexHull([{ x: 1e8, y: 0.3 }, { x: 1e8 + 1, y: 0.2 }, { x: 2e8, y: 0.1 }])).toEqual([0, 1, 2]);
  });

  it('keeps rounded collinear points', () => {
    // 0.7 − 0.1·k in floating point is not exactly on one line; the middle points still count as on it.
    const pts = [0, 1, 2, 3, 4, 5, 6].map((k) => ({ x: 1e6 * (k + 1), y: 0.7 - 0.1 * k }));
    expect(lowerConvexHull(pts)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('agrees with the brute-force definition on 5000 adversarial sets from a fixed seed, with strictly increasing MAdd', () => {
    const rng = createRng(20260415);
    for (let trial = 0; trial < 5000; trial++) {
      const pts = adversarialPoints(rng);
      const hull = lowerConvexHull(pts);
      expect(hull, JSON.stringify(pts)).toEqual(bruteHullTol(pts));
      const xs = hull.map((h) => pts[h]!.x);
      const ys = hull.map((h) => pts[h]!.y);
      for (let k = 1; k < hull.length; k++) {
        expect(xs[k]! - xs[k - 1]!, JSON.stringify(pts)).toBeGreaterThan(TOL * Math.max(1, xs[k - 1]!));
        expect(ys[k]!, JSON.stringify(pts)).toBeLessThanOrEqual(ys[k - 1]!);
      }
      const band = epsBand(pts, hull, 0.025);
      expect(hull.every((h) => band.includes(h))).toBe(true);
    }
  });
});
