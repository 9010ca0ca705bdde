// Linear and log scales and "nice" ticks for the hand-written SVG charts, and the readable linear axis of the
// uPlot curve charts (readableRange, linearTicks).

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

/** The narrowest span a linear axis shows around values of size `mid`: 4 % of it, at least 1e-6. */
function minSpan(mid: number): number {
  return Math.max(Math.abs(mid) * 0.04, 1e-6);
}

/**
 * The range of a linear axis for values in [min, max] (any units): padded by 6 % so no point sits on the frame,
 * and widened around its middle to at least 4 % of the values' size, so a curve whose values barely move (one
 * short job: losses 2.2901..2.2903) is drawn flat on round ticks rather than on ticks that all read "2.29". No
 * finite value (no data yet) gives [0, 1].
 */
export function readableRange(min: number | null, max: number | null): [number, number] {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const [lo, hi] = padded(Math.min(min, max), Math.max(min, max));
  const mid = (lo + hi) / 2;
  const half = Math.max(hi - lo, minSpan(mid)) / 2;
  return [mid - half, mid + half];
}

/**
 * At least 3 ticks inside [lo, hi] at round values: multiples of the largest step of the 1-2-2.5-5 series
 * that puts 3 or more in the range (so at most 6), labelled by tickLabels, so no two labels read the same.
 * A range with hi ≤ lo gets lo and lo ± 1.
 */
export function linearTicks(lo: number, hi: number): { ticks: number[]; labels: string[] } {
  if (!(hi > lo)) {
    const ticks = [lo - 1, lo, lo + 1];
    return { ticks, labels: tickLabels(ticks) };
  }
  const span = hi - lo;
  for (let e = Math.ceil(Math.log10(span)); ; e--) {
    for (const m of [5, 2.5, 2, 1]) {
      const step = m * 10 ** e;
      const ticks: number[] = [];
      for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
      if (ticks.length >= 3) return { ticks, labels: tickLabels(ticks) };
    }
  }
}

/** Labels of linear ticks, all with the fewest decimals that write every tick exactly (2.25, 2.275 → "2.250", "2.275"). */
export function tickLabels(ticks: readonly number[]): string[] {
  let decimals = 0;
  while (decimals < 12 && ticks.some((t) => Math.abs(Number(t.toFixed(decimals)) - t) > Math.abs(t) * 1e-12)) decimals++;
  return ticks.map((t) => t.toFixed(decimals).replace(/^-(0\.?0*)$/, '$1'));
}

/**
 * Percent labels of linear ticks given as fractions (0.905 → "90.5%"), all with the fewest decimals that write
 * every tick exactly, so that ticks 0.5 points apart never read the same ("90.0%", "90.5%", "91.0%").
 */
export function percentTickLabels(ticks: readonly number[]): string[] {
  return tickLabels(ticks.map((t) => Number((t * 100).toPrecision(12)))).map((l) => `${l}%`);
}
