// Training curves on an epoch axis: one sample per new report, accuracy at epoch ends in percent, stored
// histories read back for jobs that finished before the page saw them, the latest jobs kept, and a colour
// per job that stays the same.
import { describe, expect, it } from 'vitest';
import type { LiveJob } from '../../../src/runtime/run/run-controller.ts';
import { addSamples, addStored, alignedData, curveColor, CURVE_COLORS, curveSeries, jobsOf, mergeCurves, type CurveStore } from '../../../src/ui/charts/curve-series.ts';

const job = (id: string, over: Partial<LiveJob> = {}): LiveJob => ({ jobId: id, epoch: 1, epochs: 2, batch: 1, batches: 4, loss: 2, startedAt: 0, updatedAt: 1, history: [], ...over });
const metrics = (epoch: number, valAcc: number) => ({ epoch, trainLoss: 1.5, trainAcc: 0.4, valLoss: 1.6, valAcc, lr: 0.1, seconds: 1 });

describe('curve series', () => {
  it('adds new reports only and aligns jobs on epochs with nulls; accuracy in percent', () => {
    const store: CurveStore = new Map();
    expect(addSamples(store, { 'r-j0001': job('r-j0001') })).toBe(true);
    expect(addSamples(store, { 'r-j0001': job('r-j0001') })).toBe(false);
    addSamples(store, { 'r-j0001': job('r-j0001', { batch: 4, loss: 1.5, history: [metrics(1, 0.5)] }), 'r-j0002': job('r-j0002', { batch: 2 }) });
    expect(jobsOf(store)).toEqual(['r-j0001', 'r-j0002']);
    expect(alignedData(store, 'loss')).toEqual([[0.25, 0.5, 1], [2, null, 1.5], [null, 2, null]]);
    expect(alignedData(store, 'valAcc')).toEqual([[1], [50], [null]]);
  });

  it('restores the stored curves of every job kind, with the pool points\' histories for jobs that have none', () => {
    // j0003 is a search job: no pool point, only its stored curve. j0001 has both (the stored curve wins);
    // j0002 was stored before curves were kept: its point's history stands in.
    const curves = mergeCurves(
      [{ jobId: 'r-j0001', history: [metrics(1, 0.25)] }, { jobId: 'r-j0003', history: [metrics(1, 0.6), metrics(2, 0.7)] }],
      [{ jobId: 'r-j0001', history: [metrics(1, 0.99)] }, { jobId: 'r-j0002', history: [metrics(1, 0.4)] }],
    );
    expect(curves.map((c) => c.jobId)).toEqual(['r-j0001', 'r-j0003', 'r-j0002']);
    const store: CurveStore = new Map();
    expect(addStored(store, curves)).toBe(true);
    expect(jobsOf(store)).toEqual(['r-j0001', 'r-j0002', 'r-j0003']);
    expect(alignedData(store, 'valAcc')).toEqual([[1, 2], [25, null], [40, null], [60, 70]]);
  });

  it('reads finished jobs back from their stored histories, without replacing a live curve', () => {
    const store: CurveStore = new Map();
    addSamples(store, { 'r-j0003': job('r-j0003') });
    expect(addStored(store, [{ jobId: 'r-j0001', history: [metrics(1, 0.2), metrics(2, 0.3)] }, { jobId: 'r-j0003', history: [metrics(1, 0.9)] }])).toBe(true);
    expect(jobsOf(store)).toEqual(['r-j0001', 'r-j0003']);
    expect(alignedData(store, 'valAcc')).toEqual([[1, 2], [20, 30], [null, null]]);
    expect(addStored(store, [{ jobId: 'r-j0001', history: [metrics(1, 0.2)] }])).toBe(false);
  });

  it('keeps only the latest jobs by number', () => {
    const store: CurveStore = new Map();
    for (let i = 6; i >= 1; i--) addSamples(store, { [`r-j000${i}`]: job(`r-j000${i}`) }, 4);
    expect(jobsOf(store)).toEqual(['r-j0003', 'r-j0004', 'r-j0005', 'r-j0006']);
  });

  it('colours each chart line by its job number, not by its place among the lines', () => {
    const ids = ['run-a-j0005', 'run-a-j0006', 'run-a-j0007'];
    const lines = curveSeries(ids, (id) => `job ${id}`, false);
    expect(lines.map((l) => l.stroke)).toEqual(ids.map(curveColor));
    expect(lines.map((l) => l.label)).toEqual(ids.map((id) => `job ${id}`));
    // Older jobs trimmed away: the remaining ones keep their colours.
    expect(curveSeries(ids.slice(1), String, true).map((l) => l.stroke)).toEqual(ids.slice(1).map(curveColor));
    expect(lines[0]?.stroke).not.toBe(CURVE_COLORS[0]);
    expect(curveSeries(ids, String, true)[0]?.dash).toEqual([4, 3]);
    expect(lines[0]?.dash).toBeUndefined();
  });

  it('gives a job the same colour every time, and consecutive jobs different ones', () => {
    expect(curveColor('run-a-j0007')).toBe(curveColor('run-a-j0007'));
    const colours = Array.from({ length: CURVE_COLORS.length }, (_, i) => curveColor(`run-a-j${String(i + 1).padStart(4, '0')}`));
    expect(new Set(colours).size).toBe(CURVE_COLORS.length);
    expect(curveColor('run-a-f0001')).toBe(curveColor('run-a-f0001'));
  });
});

describe('addStored with more finished jobs than the chart keeps', () => {
  it('adds only the latest ones and reports no change when called again with the same curves', () => {
    const m = (epoch: number) => ({ epoch, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.5, seconds: 1 });
    const stored = Array.from({ length: 10 }, (_, i) => ({ jobId: `r-j${String(i + 1).padStart(4, '0')}`, history: [m(1)] }));
    const store: CurveStore = new Map();
    expect(addStored(store, stored as never, 6)).toBe(true);
    expect(jobsOf(store)).toEqual(['r-j0005', 'r-j0006', 'r-j0007', 'r-j0008', 'r-j0009', 'r-j0010']);
    // A chart redraws on every reported change; re-adding dropped curves would loop forever.
    expect(addStored(store, stored as never, 6)).toBe(false);
  });
});
