// The time estimate: jobs × epochs × batches × the measured time per batch, divided among workers.
import { describe, expect, it } from 'vitest';
import { makePreset } from '../../src/core/presets.ts';
import { describeEstimate, estimateSearch, SEARCH_BATCH_FACTOR } from '../../src/runtime/calibration.ts';

const mnist = { trainCount: 60_000, numClasses: 10, shape: { height: 28, width: 28, channels: 1 } };

describe('estimateSearch', () => {
  it('counts seeds, grown pairs and their batches for the tiny preset', () => {
    const p = makePreset('tiny', { maxPoolSize: 3 });
    // 2 seeds + 1 grown point; each phase is 1 epoch of 2 batches plus validation at 1/3 of a batch: 20 of the
    // 200-example subset (2 batches) for seed and post-training, 40 (3 batches) for the search phase.
    const e = estimateSearch(p, mnist, { secondsPerBatch: 1, batchSize: 16 }, 1);
    expect(e.batches).toBe(2 * 2 + 1 * (2 + 2));
    const seed = 2 + 2 / 3;
    expect(e.seconds).toBeCloseTo(2 * seed + ((2 + 1) * SEARCH_BATCH_FACTOR + seed), 6);
    expect(estimateSearch(p, mnist, { secondsPerBatch: 1, batchSize: 16 }, 2).seconds).toBeCloseTo(e.seconds / 2, 6);
  });

  it('scales with batch size and is capped by maxSeconds', () => {
    const p = makePreset('standard', { maxSeconds: 600 });
    const e = estimateSearch(p, mnist, { secondsPerBatch: 0.5, batchSize: 128 }, 1);
    expect(e.cappedByMaxSeconds).toBe(true);
    expect(e.seconds).toBe(600);
    expect(describeEstimate(e)).toBe('about 10 min (stopped by the time limit)');
    const free = estimateSearch(makePreset('standard', { maxSeconds: null }), mnist, { secondsPerBatch: 0.5, batchSize: 128 }, 1);
    expect(free.seconds).toBeGreaterThan(3600);
    expect(describeEstimate(free)).toMatch(/^about [\d.]+ h$/);
  });
});
