import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { PhaseRecipe } from '../../../src/core/training/training-config.ts';
import type { Network } from '../../../src/ml/model/network-types.ts';
import type { PhaseData } from '../../../src/ml/train/batches.ts';
import { trainPhase, type TrainCheckpoint, type TrainOptions, type TrainProgress } from '../../../src/ml/train/train.ts';
import { JobCancelledError, NanLossError, NonFiniteMetricError } from '../../../src/ml/errors.ts';
import { channelStats } from '../../../src/data/normalize.ts';
import { makeRunSplit, phaseSplit } from '../../../src/data/splits/run-split.ts';
import { createRng } from '../../../src/core/rng.ts';
import { syntheticSplit, tinyDesc, tinyNetwork } from '../model/tiny-network.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const shape = { height: 8, width: 8, channels: 2 };
const split = syntheticSplit(160, 8, 8, 2, 4, 1);
const idx = phaseSplit(makeRunSplit(split.labels, { numClasses: 4, examplesPerClass: null, testFraction: 0 }, createRng(2)), 0.25);
const data: PhaseData = { split, shape, numClasses: 4, trainIdx: idx.train, valIdx: idx.val,
  stats: channelStats(split.images, shape, idx.train) };
const recipe: PhaseRecipe = { epochs: 3, batchSize: 16, lr: 0.05, minLr: 0.001, momentum: 0.9, weightDecay: 3e-4,
  gradClip: 5, cutout: 2, valFraction: 0.25 };
const base: TrainOptions = { seed: 11, l1Alpha: 0, augment: { pad: 1, flip: false } };

async function leakFree<T>(fn: (net: Network) => Promise<T>, withAlpha = true, netSeed = 3): Promise<T> {
  const before = tf.memory().numTensors;
  const net = tinyNetwork(tinyDesc(8, 8, 2, 4), netSeed, withAlpha);
  const afterBuild = tf.memory().numTensors;
  try {
    return await fn(net);
  } finally {
    expect(tf.memory().numTensors).toBe(afterBuild);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }
}

const alphaL1 = (net: Network): number => Array.from(net.alphas.normal!.dataSync()).reduce((s, a) => s + Math.abs(a), 0);
const noSeconds = (h: { seconds: number }[]) => h.map((m) => ({ ...m, seconds: 0 }));

describe('trainPhase', () => {
  it('lowers the loss on a learnable dataset and keeps the whole history', async () => {
    const res = await leakFree((net) => trainPhase(net, data, { ...recipe, epochs: 4 }, base));
    expect(res.history.map((m) => m.epoch)).toEqual([1, 2, 3, 4]);
    const [first, last] = [res.history[0]!, res.history[3]!];
    expect(last.trainLoss).toBeLessThan(first.trainLoss);
    expect(res.bestValAcc).toBeGreaterThan(0.6);
    expect(res.bestValAcc).toBe(Math.max(...res.history.map((m) => m.valAcc)));
    expect(first.lr).toBeCloseTo(0.05, 10);
    expect(last.lr).toBeLessThan(first.lr);
  });

  it('applies a working L1 on α', async () => {
    const run = (l1Alpha: number) => leakFree(async (net) => {
      await trainPhase(net, data, recipe, { ...base, l1Alpha });
      return alphaL1(net);
    });
    const [without, withL1] = [await run(0), await run(0.5)];
    expect(withL1).toBeLessThan(without * 0.7);
  });

  it('cancels at the next batch with JobCancelledError', async () => {
    let calls = 0;
    await leakFree(async (net) => {
      const p = trainPhase(net, data, recipe, { ...base, shouldStop: () => ++calls > 5 });
      await expect(p).rejects.toBeInstanceOf(JobCancelledError);
    });
    expect(calls).toBe(6);
  });

  it('awaits beforeBatch before each batch, so a cancel that arrives on the event loop stops the next batch', async () => {
    // A cancel delivered as a macrotask (as a worker's message is) is only seen if the trainer yields to the
    // event loop between batches; beforeBatch is that yield.
    let cancelled = false;
    let yields = 0;
    let batchesAfterCancel = 0;
    await leakFree(async (net) => {
      const p = trainPhase(net, data, recipe, {
        ...base,
        beforeBatch: async () => {
          yields++;
          if (yields === 3) setTimeout(() => { cancelled = true; }, 0);
          await new Promise<void>((resolve) => setTimeout(resolve, 0));
        },
        shouldStop: () => {
          if (cancelled) batchesAfterCancel++;
          return cancelled;
        },
      });
      await expect(p).rejects.toBeInstanceOf(JobCancelledError);
    });
    expect([yields, batchesAfterCancel]).toEqual([3, 1]);
  });

  it('throws NanLossError naming the epoch and batch', async () => {
    await leakFree(async (net) => {
      let steps = 0;
      const bad: Network = Object.create(net) as Network;
      bad.forward = (x, training) => {
        const r = net.forward(x, training);
        if (!training || ++steps < 7) return r;
        const logits = tf.mul(r.logits, NaN) as tf.Tensor2D;
        r.logits.dispose();
        return { logits, statUpdates: r.statUpdates };
      };
      // 120 training examples / 16 = 8 batches per epoch, so the 7th step is epoch 1, batch 7.
      const err = await trainPhase(bad, data, recipe, base).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NanLossError);
      expect((err as NanLossError).message).toMatch(/epoch 1, batch 7/);
    });
  });

  it.each([
    ['validation loss', Infinity, /non-finite validation loss (Infinity|NaN) at epoch 2/],
    ['validation loss', NaN, /non-finite validation loss NaN at epoch 2/],
  ])('fails the job when the %s turns %s while training stays finite, before anything is checkpointed', async (_m, factor, message) => {
    const checkpoints: TrainCheckpoint[] = [];
    await leakFree(async (net) => {
      let evals = 0;
      const bad: Network = Object.create(net) as Network;
      bad.forward = (x, training) => {
        const r = net.forward(x, training);
        // Validating epoch 1 takes 3 batches (40 examples / 16); from the 4th on (epoch 2) the logits diverge.
        if (training || ++evals <= 3) return r;
        const logits = tf.mul(r.logits, factor) as tf.Tensor2D;
        r.logits.dispose();
        return { logits, statUpdates: r.statUpdates };
      };
      const err = await trainPhase(bad, data, recipe, { ...base, onCheckpoint: (c) => { checkpoints.push(c); } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NonFiniteMetricError);
      expect((err as Error).message).toMatch(message);
    });
    expect(checkpoints.map((c) => c.epoch)).toEqual([1]);
    expect(checkpoints[0]!.history.every((m) => Object.values(m).every(Number.isFinite))).toBe(true);
  });

  it('trains on cut-out images when the recipe asks for cutout, and validates on whole ones', async () => {
    /** Per image of each forward call: how many pixels have every channel exactly 0 (what cutout writes). */
    const zeroPixels = async (cutout: number) => {
      const seen: { training: boolean; zeros: number[] }[] = [];
      await leakFree(async (net) => {
        const spy: Network = Object.create(net) as Network;
        spy.forward = (x, training) => {
          const [n, h, w, c] = x.shape;
          const v = x.dataSync();
          const zeros = Array.from({ length: n }, (_, i) => {
            let z = 0;
            for (let p = 0; p < h * w; p++) {
              let all = true;
              for (let ch = 0; ch < c; ch++) all &&= v[(i * h * w + p) * c + ch] === 0;
              if (all) z++;
            }
            return z;
          });
          seen.push({ training, zeros });
          return net.forward(x, training);
        };
        // No crop padding (its border would be zeros too) and no flip: only the cutout can zero a pixel.
        await trainPhase(spy, data, { ...recipe, epochs: 1, cutout }, { ...base, augment: { pad: 0, flip: false } });
      });
      return seen;
    };
    const cut = await zeroPixels(4);
    const train = cut.filter((s) => s.training).flatMap((s) => s.zeros);
    expect(train.length).toBe(120);
    // A 4×4 square clipped to an 8×8 image keeps at least 2×2 pixels.
    expect(Math.min(...train)).toBeGreaterThanOrEqual(4);
    expect(cut.filter((s) => !s.training).flatMap((s) => s.zeros).every((z) => z === 0)).toBe(true);
    const whole = await zeroPixels(0);
    expect(whole.flatMap((s) => s.zeros).every((z) => z === 0)).toBe(true);
  });

  it('resumes from an epoch checkpoint to the same result as an uninterrupted run', async () => {
    const straight = await leakFree(async (net) => ({ res: await trainPhase(net, data, recipe, base), w: net.getWeights() }));
    let saved: TrainCheckpoint | null = null;
    await leakFree(async (net) => {
      const p = trainPhase(net, data, recipe, { ...base, onCheckpoint: (c) => { if (c.epoch === 1) saved = c; },
        shouldStop: () => saved !== null });
      await expect(p).rejects.toBeInstanceOf(JobCancelledError);
    });
    expect(saved!.history).toHaveLength(1);
    const resumed = await leakFree(async (net) => ({ res: await trainPhase(net, data, recipe, { ...base, seed: 999, resume: saved! }),
      w: net.getWeights() }), true, 77);
    expect(noSeconds(resumed.res.history)).toEqual(noSeconds(straight.res.history));
    expect(resumed.w.specs).toEqual(straight.w.specs);
    const maxDiff = resumed.w.data.reduce((m, v, i) => Math.max(m, Math.abs(v - straight.w.data[i]!)), 0);
    expect(maxDiff).toBeLessThan(1e-6);
  });

  it('checkpoints inside an epoch once the interval of training time has passed (injected clock)', async () => {
    let t = 0;
    const marks: string[] = [];
    await leakFree(async (net) => {
      // Every training batch takes 1000 ms of the injected clock; validation takes none.
      const timed: Network = Object.create(net) as Network;
      timed.forward = (x, training) => {
        if (training) t += 1000;
        return net.forward(x, training);
      };
      await trainPhase(timed, data, { ...recipe, epochs: 2 }, { ...base, now: () => t, checkpointIntervalMs: 2500,
        onCheckpoint: (c) => { marks.push(c.position ? `${c.epoch + 1}:${c.position.batch}` : `end ${c.epoch}`); } });
    });
    // 8 batches per epoch: one checkpoint per 3 batches of training, and one at every epoch's end.
    expect(marks).toEqual(['1:3', '1:6', 'end 1', '2:3', '2:6', 'end 2']);
  });

  it('resumes from a mid-epoch checkpoint to exactly the weights of an uninterrupted run', async () => {
    const straight = await leakFree(async (net) => ({ res: await trainPhase(net, data, recipe, base), w: net.getWeights() }));
    let t = 0;
    let saved: TrainCheckpoint | null = null;
    await leakFree(async (net) => {
      const timed: Network = Object.create(net) as Network;
      timed.forward = (x, training) => {
        if (training) t += 1000;
        return net.forward(x, training);
      };
      const p = trainPhase(timed, data, recipe, { ...base, now: () => t, checkpointIntervalMs: 2500,
        onCheckpoint: (c) => { if (c.epoch === 1 && c.position?.batch === 6) saved = c; },
        shouldStop: () => saved !== null });
      await expect(p).rejects.toBeInstanceOf(JobCancelledError);
    });
    expect(saved!.position).toMatchObject({ batch: 6, batchSize: 16, seen: 96 });
    expect(saved!.history).toHaveLength(1);
    // Through structured clone and JSON-like storage, with another network seed and another phase seed.
    const stored = structuredClone(saved!);
    const resumed = await leakFree(async (net) => ({ res: await trainPhase(net, data, recipe, { ...base, seed: 999, resume: stored }),
      w: net.getWeights() }), true, 77);
    expect(noSeconds(resumed.res.history)).toEqual(noSeconds(straight.res.history));
    expect(resumed.w.specs).toEqual(straight.w.specs);
    expect(Array.from(resumed.w.data)).toEqual(Array.from(straight.w.data));
  });

  it('honours maxBatchesPerEpoch and maxValExamples and throttles progress', async () => {
    let t = 0;
    const reports: TrainProgress[] = [];
    const seen: number[] = [];
    await leakFree(async (net) => {
      const counting: Network = Object.create(net) as Network;
      counting.forward = (x, training) => {
        if (!training) seen.push(x.shape[0]);
        return net.forward(x, training);
      };
      await trainPhase(counting, data, { ...recipe, epochs: 2, maxBatchesPerEpoch: 5, maxValExamples: 20 },
        { ...base, now: () => (t += 700), progressIntervalMs: 2000, onProgress: (p) => reports.push(p) });
    });
    expect(seen).toEqual([16, 4, 16, 4]);
    // Per epoch: one mid-epoch report (clock steps 700 ms per call) and the end-of-epoch one.
    expect(reports.map((r) => [r.epoch, r.batch, r.batches])).toEqual([[1, 3, 5], [1, 5, 5], [2, 3, 5], [2, 5, 5]]);
    expect(reports[1]!.history).toHaveLength(1);
  });
});
