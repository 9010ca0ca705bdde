// The pool's error-vs-cost frontier: the lower convex hull (Andrew's monotone chain, spec §3.2) and the
// relative ε-band around it (§3.3) from which parents are sampled.
//
// Tie rule (robust where Archai asserts): points are ordered by (x, y, input index); exactly identical points
// count once, the one with the lowest input index standing for them (the others can still be in the ε-band).
// Collinear points on the frontier are kept. The increasing tail is cut with a fake end point
// (x strictly right of x_max, min_y), so hull x values strictly increase and the hull ends at the lowest-error
// point(s); a flat run at min_y is kept, as collinear points are.

export interface XY {
  x: number;
  y: number;
}

/** z of (b − p) × (a − p): positive when a lies strictly below the line from p through b (p right of b). */
function cross(p: XY, b: XY, a: XY): number {
  return (b.x - p.x) * (a.y - p.y) - (a.x - p.x) * (b.y - p.y);
}

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

/** Pops hull vertices that lie on the wrong side of p, or duplicate it (spec §3.2). */
function popFor(hull: number[], points: readonly XY[], p: XY): void {
  while (hull.length >= 2) {
    const a = points[hull[hull.length - 2] as number] as XY;
    const b = points[hull[hull.length - 1] as number] as XY;
    if (cross(p, b, a) > 0 || (b.x === p.x && b.y === p.y)) hull.pop();
    else break;
  }
}

/**
 * Indices (into `points`, in x order) of the lower convex hull with its increasing tail removed: the
 * monotonically decreasing error-vs-cost frontier. Works for any number of points, including none.
 */
export function lowerConvexHull(points: readonly XY[]): number[] {
  checkPoints(points, 'lowerConvexHull');
  if (points.length === 0) return [];
  const order = xOrder(points);
  const hull: number[] = [];
  let prev: XY | null = null;
  let xMax = -Infinity;
  let yMin = Infinity;
  for (const i of order) {
    const p = points[i] as XY;
    if (prev !== null && prev.x === p.x && prev.y === p.y) continue;
    prev = p;
    xMax = Math.max(xMax, p.x);
    yMin = Math.min(yMin, p.y);
    popFor(hull, points, p);
    hull.push(i);
  }
  // Archai uses 2·x_max, which is not to the right of x_max when x_max ≤ 0; any x beyond x_max works.
  const fake: XY = { x: xMax + Math.max(1, Math.abs(xMax)), y: yMin };
  popFor(hull, points, fake);
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
