// The final-training reducer and settings: presets (paper = Archai's evaluation stage, the others scaled),
// the evaluation-width description, one training at a time, retries, pause/resume/cancel, restore.

import { describe, expect, it } from 'vitest';
import { countCost } from '../../../src/core/cost/cost.ts';
import { makePreset } from '../../../src/core/presets.ts';
import { createFinalQueue, reduceFinal, restoreFinalQueue, type FinalOutput, type FinalQueueState } from '../../../src/core/final/final-queue.ts';
import { defaultFinalSpec, finalDesc, finalSpecWith } from '../../../src/core/final/final-spec.ts';
import type { JobResult } from '../../../src/core/search-types.ts';
import { makePoint } from '../frontier-fixtures.ts';

const preset = makePreset('tiny');
const point = makePoint('r1-p0001', 1000, 0.4);
const spec = finalSpecWith(preset, { epochs: 2, initNodeChannels: 6 });
const resultOf = (id: string, desc = finalDesc(point.desc, spec)): JobResult => ({
  jobId: id, desc, history: [{ epoch: 1, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.6, lr: 0.01, seconds: 1 }],
  bestValAcc: 0.6, choices: null, inheritance: { inherited: 0, fresh: 10 }, weightsKey: `${id}/weights`,
});
const test = { testAcc: 0.61, testLoss: 1.2, testCount: 100, testSource: 'test' as const };

function step(s: FinalQueueState, ...events: Parameters<typeof reduceFinal>[1][]): FinalOutput {
  let out: FinalOutput = { state: s, commands: [] };
  const commands: FinalOutput['commands'] = [];
  for (const e of events) {
    out = reduceFinal(out.state, e);
    commands.push(...out.commands);
  }
  return { state: out.state, commands };
}

describe('final training settings', () => {
  it('paper is Archai\'s evaluation stage: 600 epochs, batch 64, 36 channels, stem ×3, drop path 0.2, aux 0.4, 20 cells', () => {
    const s = defaultFinalSpec(makePreset('paper'));
    expect(s).toMatchObject({ initNodeChannels: 36, stemMultiplier: 3, dropPathProb: 0.2, auxWeight: 0.4, maxCells: 20 });
    expect(s.recipe).toMatchObject({ epochs: 600, batchSize: 64, lr: 0.025, minLr: 0.001, momentum: 0.9, weightDecay: 3e-4, gradClip: 5, cutout: 16 });
  });

  it('the other presets scale it to their budget; ecv2022 keeps its own', () => {
    expect(defaultFinalSpec(makePreset('standard'))).toMatchObject({ initNodeChannels: 18, recipe: { epochs: 75, batchSize: 64, cutout: 8 } });
    expect(defaultFinalSpec(makePreset('tiny'))).toMatchObject({ initNodeChannels: 9, recipe: { epochs: 8, batchSize: 16, maxBatchesPerEpoch: 2 } });
    expect(defaultFinalSpec(makePreset('ecv2022'))).toMatchObject({ initNodeChannels: 32, stemMultiplier: 1, auxWeight: 0, maxCells: 10,
      recipe: { epochs: 1500, batchSize: 32, lr: 0.033, cutout: 6 } });
  });

  it('takes the user\'s width and epochs, and names a bad one', () => {
    expect(finalSpecWith(preset, { initNodeChannels: 12, epochs: 3 })).toMatchObject({ initNodeChannels: 12, recipe: { epochs: 3 } });
    expect(() => finalSpecWith(preset, { epochs: 0 })).toThrow(/epochs must be an integer ≥ 1, got 0/);
    expect(() => finalSpecWith(preset, { initNodeChannels: 2.5 })).toThrow(/width .* got 2.5/);
  });

  it('rebuilds the same cells at evaluation width with at most maxCells cells', () => {
    const d = finalDesc(point.desc, spec);
    expect(d.cells).toEqual(point.desc.cells);
    expect(d).toMatchObject({ initNodeChannels: 6, stemMultiplier: spec.stemMultiplier, nCells: 3, nReductions: 1 });
    expect(countCost(d).params).toBeGreaterThan(countCost(point.desc).params);
    expect(finalDesc({ ...point.desc, nCells: 25 }, spec).nCells).toBe(20);
  });
});

describe('final training queue', () => {
  it('queues a request, runs one training at a time, and records the result with its cost', () => {
    const a = step(createFinalQueue('r1'), { type: 'request', point, spec, now: 5 }, { type: 'request', point, spec, now: 6 });
    expect(a.state.trainings.map((t) => [t.id, t.status])).toEqual([['r1-f0001', 'running'], ['r1-f0002', 'queued']]);
    const run = a.commands.filter((c) => c.type === 'runJob');
    expect(run).toHaveLength(1);
    expect(run[0]).toMatchObject({ job: { id: 'r1-f0001', kind: 'final_train', parentPointId: point.id, initWeightsKey: null, final: spec,
      desc: { initNodeChannels: 6 } } });
    const b = step(a.state, { type: 'done', id: 'r1-f0001', result: resultOf('r1-f0001'), test, now: 9 });
    const done = b.state.trainings[0];
    expect(done?.status).toBe('done');
    expect(done?.result).toMatchObject({ ...test, madd: countCost(done?.desc ?? point.desc).madd, params: countCost(done?.desc ?? point.desc).params,
      weightsKey: 'r1-f0001/weights', finishedAt: 9 });
    expect(b.commands.map((c) => c.type)).toEqual(['saveFinal', 'saveFinal', 'runJob']);
    expect(b.state.trainings[1]?.status).toBe('running');
  });

  it('retries a failure once at half the batch, then gives up with the error', () => {
    const a = step(createFinalQueue('r1'), { type: 'request', point, spec, now: 1 }, { type: 'failed', id: 'r1-f0001', error: 'oom', now: 2 });
    expect(a.state.trainings[0]).toMatchObject({ status: 'running', attempt: 2, batchSizeScale: 0.5, error: 'oom' });
    const b = step(a.state, { type: 'failed', id: 'r1-f0001', error: 'oom again', now: 3 });
    expect(b.state.trainings[0]).toMatchObject({ status: 'failed', error: 'oom again' });
  });

  it('pauses (the job stops, stays out of the queue), resumes at the front, and cancels', () => {
    const a = step(createFinalQueue('r1'), { type: 'request', point, spec, now: 1 }, { type: 'request', point, spec, now: 2 },
      { type: 'pause', id: 'r1-f0001', now: 3 });
    expect(a.commands.filter((c) => c.type === 'cancelJob')).toEqual([{ type: 'cancelJob', jobId: 'r1-f0001' }]);
    const b = step(a.state, { type: 'interrupted', id: 'r1-f0001', now: 4 });
    expect(b.state.trainings.map((t) => t.status)).toEqual(['paused', 'running']);
    const c = step(b.state, { type: 'resume', id: 'r1-f0001', now: 5 });
    expect(c.state.trainings.map((t) => t.status)).toEqual(['queued', 'running']);
    expect(c.state.queue).toEqual(['r1-f0001']);
    const d = step(c.state, { type: 'cancel', id: 'r1-f0002', now: 6 }, { type: 'failed', id: 'r1-f0002', error: 'cancelled', now: 7 });
    expect(d.state.trainings.map((t) => t.status)).toEqual(['running', 'cancelled']);
    // A stale event for a training that no longer runs changes nothing.
    expect(step(d.state, { type: 'done', id: 'r1-f0002', result: resultOf('r1-f0002'), test, now: 8 }).state).toBe(d.state);
  });

  it('an interruption it did not ask for (the worker was stopped) puts the training back at the front', () => {
    const a = step(createFinalQueue('r1'), { type: 'request', point, spec, now: 1 }, { type: 'interrupted', id: 'r1-f0001', now: 2 });
    expect(a.state.trainings[0]).toMatchObject({ status: 'running', attempt: 1 });
  });

  it('restores after a reload: the running training first, paused ones stay paused, ids continue', () => {
    const a = step(createFinalQueue('r1'), { type: 'request', point, spec, now: 1 }, { type: 'request', point, spec, now: 2 },
      { type: 'request', point, spec, now: 3 }, { type: 'pause', id: 'r1-f0002', now: 4 });
    const r = restoreFinalQueue('r1', a.state.trainings.slice().reverse());
    expect(r.state.trainings.map((t) => [t.id, t.status])).toEqual([['r1-f0001', 'running'], ['r1-f0002', 'paused'], ['r1-f0003', 'queued']]);
    expect(r.commands.find((c) => c.type === 'runJob')).toMatchObject({ job: { id: 'r1-f0001' } });
    expect(r.state.nextNumber).toBe(4);
    expect(r.state.queue).toEqual(['r1-f0003']);
    // Paused after the reload, it stays paused (it is not queued twice).
    const p = step(r.state, { type: 'pause', id: 'r1-f0001', now: 5 }, { type: 'interrupted', id: 'r1-f0001', now: 6 });
    expect(p.state.trainings.map((t) => t.status)).toEqual(['paused', 'paused', 'running']);
    expect(() => restoreFinalQueue('other', a.state.trainings)).toThrow(/not of the form other-fNNNN/);
  });

  it('refuses an out-of-range test accuracy and an unknown id', () => {
    const a = step(createFinalQueue('r1'), { type: 'request', point, spec, now: 1 });
    expect(() => reduceFinal(a.state, { type: 'done', id: 'r1-f0001', result: resultOf('r1-f0001'), test: { ...test, testAcc: 1.5 }, now: 2 })).toThrow(/testAcc/);
    expect(() => reduceFinal(a.state, { type: 'pause', id: 'nope', now: 2 })).toThrow(/does not exist/);
  });
});
