// The pool's error-vs-cost frontier: the lower convex hull (Andrew's monotone chain, spec §3.2) and the
// relative ε-band around it (§3.3) from which parents are sampled.
//
// Tie and tolerance rules (robust where Archai asserts, spec §8.11):
// - Points are ordered by (x, y, input index).
// - Same cost: x values within HULL_TOLERANCE·max(1, |x|) of the cheapest point of a group are one cost; only
//   the group's lowest-error point (lowest input index among exact ties) can be a hull vertex. So two points
//   with the same multiply-adds whose errors differ in the last bit never both enter the hull, and hull x
//   values strictly increase. (Exactly identical points count once; the others can still be in the ε-band.)
// - Decreasing: a vertex's y is never above an earlier vertex's y (exact comparison), so the hull ends at the
//   lowest-error point(s); a flat run at min_y is kept, as collinear points are. This is what Archai's fake end
//   point (2·x_max, min_y) does, without its arithmetic.
// - Convex: a point is dropped when it lies above the line through its neighbours by more than
//   HULL_TOLERANCE·max(1, |y|) (vertical distance); points within that of the line count as collinear and are
//   kept, so rounding in the last bits never decides whether a collinear point stays.

export interface XY {
  x: number;
  y: number;
}

/**
 * Relative tolerance of the hull: costs (x) closer than this times max(1, |x|) are the same cost, and a point
 * closer than this times max(1, |y|) to a hull segment is on it. Multiply-add counts are integers and errors
 * are multiples of 1 / (validation examples), so only floating-point noise falls below it.
 */
export const HULL_TOLERANCE = 1e-9;

function checkPoints(points: readonly XY[], fn: string): void {
  points.forEach((p, i) => {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
      throw new RangeError(`${fn}: points[${i}] must have finite x and y, got (${p.x}, ${p.y})`);
    }
  });
}

/** Input indices sorted by (x, y, index). */
export function xOrder(points: readonly XY[]): number[] {
  const idx = points.map((_, i) => i);
  return idx.sort((i, j) => {
    const a = points[i] as XY;
    const b = points[j] as XY;
    return a.x - b.x || a.y - b.y || i - j;
  });
}

/** Whether x values `a` ≤ `b` are one cost under HULL_TOLERANCE (relative to the cheaper one). */
export function sameCost(a: number, b: number): boolean {
  return b - a <= HULL_TOLERANCE * Math.max(1, Math.abs(a));
}

/**
 * Groups of the same cost (see sameCost), each starting at the cheapest point not yet grouped, as index lists
 * in (x, y, index) order. Used by the hull and exported so tests state the same grouping.
 */
export function costGroups(points: readonly XY[]): number[][] {
  const groups: number[][] = [];
  let start = 0;
  for (const i of xOrder(points)) {
    const x = (points[i] as XY).x;
    const last = groups[groups.length - 1];
    if (last !== undefined && sameCost(start, x)) last.push(i);
    else {
      groups.push([i]);
      start = x;
    }
  }
  return groups;
}

/** The lowest-error point of a group (lowest index among exact ties; a group is never empty). */
function representative(points: readonly XY[], group: readonly number[]): number {
  let best = group[0] as number;
  for (const i of group) {
    const p = points[i] as XY;
    const b = points[best] as XY;
    if (p.y < b.y || (p.y === b.y && i < best)) best = i;
  }
  return best;
}

/** Vertical distance of b above the line through a and p (a.x < b.x < p.x), and the tolerance it is held to. */
function aboveBy(a: XY, b: XY, p: XY): { d: number; tol: number } {
  const d = b.y - a.y - ((p.y - a.y) * (b.x - a.x)) / (p.x - a.x);
  return { d, tol: HULL_TOLERANCE * Math.max(1, Math.abs(a.y), Math.abs(b.y), Math.abs(p.y)) };
}

/**
 * Indices (into `points`, in x order) of the lower convex hull with its increasing tail removed: the
 * monotonically decreasing error-vs-cost frontier, x strictly increasing, under the tie and tolerance rules
 * above. Works for any number of points, including none. Throws RangeError on a non-finite coordinate.
 * Source: Archai `petridish_utils._convex_hull_from_points` (spec §3.2), made robust to ties (§8.11).
 */
export function lowerConvexHull(points: readonly XY[]): number[] {
  checkPoints(points, 'lowerConvexHull');
  const hull: number[] = [];
  let yMin = Infinity;
  for (const group of costGroups(points)) {
    const i = representative(points, group);
    const p = points[i] as XY;
    // A point more expensive than a lower-error one is on the increasing tail or above the hull.
    if (p.y > yMin) continue;
    yMin = p.y;
    while (hull.length >= 2) {
      const a = points[hull[hull.length - 2] as number] as XY;
      const b = points[hull[hull.length - 1] as number] as XY;
      const { d, tol } = aboveBy(a, b, p);
      if (d > tol) hull.pop();
      else break;
    }
    hull.push(i);
  }
  return hull;
}

/**
 * Indices (in x order) of the points inside the ε-band: y ≤ t + eps·|t|, where t is the hull at the point's x
 * (a vertex's own y, linear between vertices, flat right of the last vertex). For t ≥ 0 this is Archai's
 * relative band y ≤ t·(1 + eps). Hull vertices are always in. The interpolation is compared after multiplying
 * by the segment width (always > 0, since hull x values strictly increase), so no division can fail.
 */
export function epsBand(points: readonly XY[], hull: readonly number[], eps: number): number[] {
  checkPoints(points, 'epsBand');
  if (!Number.isFinite(eps) || eps < 0) throw new RangeError(`epsBand: eps must be a finite number ≥ 0, got ${eps}`);
  hull.forEach((h, k) => {
    if (!Number.isInteger(h) || h < 0 || h >= points.length) {
      throw new RangeError(`epsBand: hull[${k}] = ${h} is not an index into ${points.length} points`);
    }
  });
  if (points.length === 0) return [];
  if (hull.length === 0) throw new RangeError('epsBand: hull must not be empty when there are points');
  const onHull = new Set(hull);
  const band: number[] = [];
  let seg = 0;
  for (const i of xOrder(points)) {
    const p = points[i] as XY;
    if (onHull.has(i)) {
      band.push(i);
      continue;
    }
    while (seg + 1 < hull.length && (points[hull[seg + 1] as number] as XY).x <= p.x) seg++;
    if (withinBand(p, points, hull, seg, eps)) band.push(i);
  }
  return band;
}

/** Whether p is inside the band over hull segment `seg` (from vertex seg to seg + 1, or flat after the last). */
function withinBand(p: XY, points: readonly XY[], hull: readonly number[], seg: number, eps: number): boolean {
  const h0 = points[hull[seg] as number] as XY;
  const next = hull[seg + 1];
  if (next === undefined || p.x <= h0.x) return p.y <= h0.y + eps * Math.abs(h0.y);
  const h1 = points[next] as XY;
  const width = h1.x - h0.x;
  const scaledT = h0.y * width + (h1.y - h0.y) * (p.x - h0.x);
  return p.y * width <= scaledT + eps * Math.abs(scaledT);
}
