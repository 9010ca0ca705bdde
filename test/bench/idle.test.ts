// The worker idle fraction used by bench/engine/engine.ts: gaps between jobs, overlaps counted once, unmatched starts left out.
import { describe, expect, it } from 'vitest';
import { idleFraction, type Mark } from '../../bench/engine/idle.ts';

const m = (name: string, at: number, job: string): Mark => ({ name: `petridish:${name}`, at, detail: JSON.stringify(job) });

describe('idleFraction', () => {
  it('counts the gaps between consecutive jobs over the span from first start to last end', () => {
    const f = idleFraction([m('job-start', 0, 'a'), m('job-end', 100, 'a'), m('job-start', 120, 'b'), m('job-end', 200, 'b')]);
    expect(f).toMatchObject({ jobs: 2, spanMs: 200, busyMs: 180, idleMs: 20, gapsMs: [20] });
    expect(f.fraction).toBeCloseTo(0.1);
  });

  it('counts overlapping jobs once and leaves out a job that never ended', () => {
    const f = idleFraction([m('job-start', 0, 'a'), m('job-start', 50, 'b'), m('job-end', 100, 'a'), m('job-end', 150, 'b'), m('job-start', 160, 'c')]);
    expect(f).toMatchObject({ jobs: 2, spanMs: 150, busyMs: 150, idleMs: 0, gapsMs: [] });
  });

  it('is zero with no finished job', () => {
    expect(idleFraction([m('job-start', 5, 'a')])).toMatchObject({ jobs: 0, spanMs: 0, fraction: 0 });
  });
});
