// The device measurement: it times real training and evaluation steps on the current backend and fits the
// cost model, reports progress up to 1, frees every tensor, stops on cancel, and keeps to its time limit by
// skipping what does not fit (an injected clock stands in for a slow device).

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobCancelledError } from '../../../src/ml/errors.ts';
import { measureDevice, MeasureTimeoutError } from '../../../src/ml/train/measure-device.ts';
import { useBackend } from '../backends.ts';

const target = { shape: { height: 8, width: 8, channels: 1 }, numClasses: 3, space: 'canonical' as const, backend: 'cpu' };

/** A clock that advances `stepMs` each time it is read: every operation looks slow. */
function slowClock(stepMs: number): () => number {
  let t = 0;
  return () => (t += stepMs);
}

describe('measureDevice (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('fits positive step costs from timed steps, reports progress to 1 and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const m = await measureDevice({ ...target, maxSeconds: 20, onProgress: (f) => progress.push(f) });
    expect(tf.memory().numTensors).toBe(before);
    expect(m.backend).toBe('cpu');
    // Which stages fit 20 s depends on the machine; the small batch is always timed.
    expect(m.samples.train[0]?.batch).toBe(4);
    expect(m.samples.train[0]?.seconds).toBeGreaterThan(0);
    expect(m.train.secondsPerMadd).toBeGreaterThan(0);
    expect(m.train.secondsPerLayer).toBeGreaterThanOrEqual(0);
    expect(m.eval.secondsPerMadd).toBeGreaterThan(0);
    expect(m.jobOverheadSeconds).toBeGreaterThanOrEqual(0);
    expect(progress.at(-1)).toBe(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1] as number);
  });

  it('times both reference networks at both batch sizes and prices by the interpolated rate when there is time', async () => {
    // Each clock read costs 20 ms: every stage fits the 30 s limit on any machine, and the run is the same every time.
    const before = tf.memory().numTensors;
    const m = await measureDevice({ ...target, maxSeconds: 30, now: slowClock(20) });
    expect(tf.memory().numTensors).toBe(before);
    expect(m.partial).toBe(false);
    const sizes = new Set(m.samples.train.map((s) => s.size.madd));
    expect(sizes.size).toBe(2);
    expect(m.samples.train.map((s) => s.batch).sort((a, b) => a - b)).toEqual([4, 4, 16, 16]);
    expect(m.samples.eval).toHaveLength(4);
    expect(m.train.rates).toHaveLength(2);
    expect(m.eval.rates).toHaveLength(2);
    expect(m.measuredSeconds).toBeLessThanOrEqual(30 + 1);
  });

  it('rejects with a cancellation when asked to stop, leaving no tensor behind', async () => {
    const before = tf.memory().numTensors;
    let steps = 0;
    const run = measureDevice({ ...target, maxSeconds: 20, shouldStop: () => ++steps > 2 });
    await expect(run).rejects.toBeInstanceOf(JobCancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps to its limit on a slow device: what does not fit is skipped and inferred', async () => {
    // Each clock read costs 0.4 s: training steps look like seconds, so the larger batch does not fit in 30 s.
    const m = await measureDevice({ ...target, maxSeconds: 30, now: slowClock(400) });
    expect(m.partial).toBe(true);
    expect(m.samples.train.length).toBeGreaterThanOrEqual(1);
    expect(m.measuredSeconds).toBeLessThanOrEqual(30 + 5);
    expect(m.eval.secondsPerMadd).toBeGreaterThan(0);
  });

  it('fails with a clear error when not even the first steps fit the limit', async () => {
    const before = tf.memory().numTensors;
    await expect(measureDevice({ ...target, maxSeconds: 1, now: slowClock(5000) })).rejects.toBeInstanceOf(MeasureTimeoutError);
    await expect(measureDevice({ ...target, maxSeconds: 1, now: slowClock(5000) })).rejects.toThrow(/within 1 s/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
