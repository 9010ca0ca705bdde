// Live curve samples: one per new report, accuracy only at epoch ends, aligned on a shared time axis.
import { describe, expect, it } from 'vitest';
import type { LiveJob } from '../../../src/runtime/run-controller.ts';
import { addSamples, alignedData, type CurveStore } from '../../../src/ui/charts/curve-series.ts';

const job = (id: string, t: number, over: Partial<LiveJob> = {}): LiveJob => ({ jobId: id, epoch: 1, epochs: 2, batch: 1, batches: 4, loss: 2, startedAt: 0, updatedAt: t, history: [], ...over });

describe('curve series', () => {
  it('adds new reports only and aligns jobs with nulls', () => {
    const store: CurveStore = new Map();
    expect(addSamples(store, { a: job('a', 1000) })).toBe(true);
    expect(addSamples(store, { a: job('a', 1000) })).toBe(false);
    const metrics = { epoch: 1, trainLoss: 1.5, trainAcc: 0.4, valLoss: 1.6, valAcc: 0.5, lr: 0.1, seconds: 1 };
    addSamples(store, { a: job('a', 3000, { batch: 4, loss: 1.5, history: [metrics] }), b: job('b', 2000) });
    expect(alignedData(store, 'loss')).toEqual([[0, 1, 2], [2, null, 1.5], [null, 2, null]]);
    expect(alignedData(store, 'valAcc')[1]).toEqual([null, null, 0.5]);
  });

  it('keeps only the latest jobs', () => {
    const store: CurveStore = new Map();
    for (let i = 0; i < 6; i++) addSamples(store, { [`j${i}`]: job(`j${i}`, i + 1) }, 4);
    expect([...store.keys()]).toEqual(['j2', 'j3', 'j4', 'j5']);
  });
});
