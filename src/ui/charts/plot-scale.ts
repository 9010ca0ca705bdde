// Linear and log scales and "nice" ticks for the hand-written SVG charts.

export interface Scale {
  (v: number): number;
  ticks: number[];
}

export function linearScale(domain: [number, number], range: [number, number], tickCount = 5): Scale {
  let [d0, d1] = domain;
  if (d0 === d1) {
    d0 -= Math.abs(d0) * 0.1 || 1;
    d1 += Math.abs(d1) * 0.1 || 1;
  }
  const [r0, r1] = range;
  const f = ((v: number) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0)) as Scale;
  const step = niceStep((d1 - d0) / tickCount);
  const ticks: number[] = [];
  for (let t = Math.ceil(d0 / step) * step; t <= d1 + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  f.ticks = ticks;
  return f;
}

/**
 * A log10 scale over `domain` (widened to at least a factor of 2) with at least 3 ticks inside it: powers of
 * ten where 3 fit, else 1-2-5 steps, else every 1..9 step, else three evenly spaced (in log) values rounded to
 * two significant digits.
 */
export function logScale(domain: [number, number], range: [number, number]): Scale {
  const lo = Math.max(domain[0], 1e-12);
  const hi = Math.max(domain[1], lo * 2);
  const l0 = Math.log10(lo);
  const l1 = Math.log10(hi);
  const [r0, r1] = range;
  const f = ((v: number) => r0 + ((Math.log10(Math.max(v, 1e-12)) - l0) / (l1 - l0)) * (r1 - r0)) as Scale;
  f.ticks = logTicks(lo, hi);
  return f;
}

/** At least 3 distinct "round" values in [lo, hi] (see logScale), ascending. */
export function logTicks(lo: number, hi: number): number[] {
  const inside = (v: number): boolean => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  for (const steps of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const ticks: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of steps) {
        const t = Number((m * 10 ** e).toPrecision(12));
        if (inside(t)) ticks.push(t);
      }
    }
    if (ticks.length >= 3) return ticks;
  }
  const round2 = (v: number): number => Number(v.toPrecision(2));
  const ticks = [0, 1, 2].map((k) => round2(lo * (hi / lo) ** (k / 2)));
  // Rounding may step outside the domain at the ends; step back in by one unit of the second digit.
  const unit = (v: number): number => 10 ** (Math.floor(Math.log10(v)) - 1);
  if ((ticks[0] ?? lo) < lo) ticks[0] = Number(((ticks[0] ?? lo) + unit(lo)).toPrecision(2));
  if ((ticks[2] ?? hi) > hi) ticks[2] = Number(((ticks[2] ?? hi) - unit(hi)).toPrecision(2));
  return [...new Set(ticks)];
}

function niceStep(raw: number): number {
  const mag = 10 ** Math.floor(Math.log10(raw));
  const r = raw / mag;
  return (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
}

/** Pads a data range so points do not sit on the frame. */
export function padded(min: number, max: number, fraction = 0.06): [number, number] {
  const span = max - min || Math.abs(max) || 1;
  return [min - span * fraction, max + span * fraction];
}
