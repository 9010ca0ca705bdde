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

export function logScale(domain: [number, number], range: [number, number]): Scale {
  const lo = Math.max(domain[0], 1e-12);
  const hi = Math.max(domain[1], lo * 10);
  const l0 = Math.log10(lo);
  const l1 = Math.log10(hi);
  const [r0, r1] = range;
  const f = ((v: number) => r0 + ((Math.log10(Math.max(v, 1e-12)) - l0) / (l1 - l0)) * (r1 - r0)) as Scale;
  const ticks: number[] = [];
  for (let e = Math.floor(l0); e <= Math.ceil(l1); e++) {
    const t = 10 ** e;
    if (t >= lo * 0.999 && t <= hi * 1.001) ticks.push(t);
  }
  if (ticks.length < 2) ticks.splice(0, ticks.length, lo, hi);
  f.ticks = ticks;
  return f;
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
