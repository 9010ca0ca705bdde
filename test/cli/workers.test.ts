// The headless runner's trainer threads (--workers N): a tiny synthetic dataset searched with 1 worker (main
// thread) and with 2 trainer threads gives results of the same kind (the same seed models, trained to the
// same scores, the same pool size and stop reason); every job frees its tensors in its thread, every thread
// has exited when the search returns, and a thread that crashes is named in its job's error and the job is
// retried on a fresh thread.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chooseNodeBackend } from '../../src/cli/backend.ts';
import { parseCliArgs } from '../../src/cli/args.ts';
import { runHeadlessSearch, type HeadlessSearchResult } from '../../src/cli/headless-search.ts';
import { loadDatasetFromDisk } from '../../src/cli/load-dataset.ts';
import { makePreset } from '../../src/core/presets.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { idx } from '../data/make-files.ts';

/** 8×8 images whose class is readable from which band of rows is bright (3 classes). */
function syntheticDataset(count: number): Dataset {
  const dir = mkdtempSync(join(tmpdir(), 'cli-workers-'));
  const pixels = new Uint8Array(count * 64);
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const label = i % 3;
    labels.push(label);
    for (let p = 0; p < 64; p++) pixels[i * 64 + p] = Math.floor(Math.floor(p / 8) / 3) === label ? 200 : (i * 7 + p * 13) % 50;
  }
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx([count, 8, 8], pixels));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx([count], labels));
  return loadDatasetFromDisk(dir);
}

const phase = { epochs: 1, batchSize: 8, maxBatchesPerEpoch: 2, maxValExamples: 16 };
const preset = makePreset('tiny', { seed: 5, maxPoolSize: 4, examplesPerClass: 20, testExamples: 9, seedTrain: phase, search: phase, postTrain: phase });

function seedScores(r: HeadlessSearchResult): { madd: number; error: number; testAcc: number | undefined }[] {
  return r.state.pool.filter((p) => p.stage === 'seed_trained').map((p) => ({ madd: p.madd, error: p.error, testAcc: p.testAcc }))
    .sort((a, b) => a.madd - b.madd || a.error - b.error);
}

describe('--workers', () => {
  it('is parsed as an integer ≥ 1 and defaults to the number of cores', () => {
    expect(parseCliArgs(['--out', 'a.json', '--workers', '3']).workers).toBe(3);
    expect(parseCliArgs(['--out', 'a.json']).workers).toBeGreaterThanOrEqual(1);
    expect(() => parseCliArgs(['--out', 'a.json', '--workers', '0'])).toThrow(/--workers: "0" is not an integer ≥ 1/);
  });

  it('2 trainer threads give results of the same kind as 1 worker, free their tensors and exit', async () => {
    await chooseNodeBackend('cpu');
    const dataset = syntheticDataset(90);
    const baseline = tf.memory().numTensors;
    const one = await runHeadlessSearch({ dataset, preset, strategy: 'petridish', workers: 1 });
    const two = await runHeadlessSearch({ dataset, preset, strategy: 'petridish', workers: 2, backend: 'cpu' });
    for (const r of [one, two]) {
      expect(r.state.finishReason).toMatch(/^maxPoolSize: /);
      // Exactly the limit: a seed or search starts only while the jobs in flight leave room in the pool.
      expect(r.state.pool.length).toBe(4);
      expect(r.state.pool.filter((p) => p.stage === 'seed_trained')).toHaveLength(2);
      // In any order: with two threads a grown point can land before the slower seed's.
      expect(r.state.pool.filter((p) => p.stage === 'search_trained')).toHaveLength(r.state.pool.length - 2);
      for (const p of r.state.pool) {
        expect(p.error).toBeGreaterThanOrEqual(0);
        expect(p.error).toBeLessThanOrEqual(1);
        expect(p).toMatchObject({ testCount: 9, testSource: 'held-out', testAcc: expect.any(Number) });
      }
      for (const j of r.jobs) expect(j.tensorsAfter, `${j.jobId} on ${j.thread}`).toBe(j.tensorsBefore);
    }
    // The seed jobs are the same jobs (ids, seeds, data), so on the same backend they train to the same scores.
    expect(seedScores(two)).toEqual(seedScores(one));
    expect(new Set(one.jobs.map((j) => j.thread))).toEqual(new Set(['main']));
    expect(new Set(two.jobs.map((j) => j.thread))).toEqual(new Set(['trainer-1', 'trainer-2']));
    // Two jobs were in flight at once: some job started before the previous one ended.
    const starts = [...two.jobs].sort((a, b) => a.startedAt - b.startedAt);
    expect(starts.some((j, i) => i > 0 && j.startedAt < (starts[i - 1]?.endedAt ?? 0))).toBe(true);
    expect(two.threads.map((t) => t.name)).toEqual(['trainer-1', 'trainer-2']);
    for (const t of two.threads) expect(t).toMatchObject({ exitCode: expect.any(Number), crash: null });
    expect(one.threads).toEqual([]);
    expect(two.frontier.run.workers).toBe(2);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('a crashed trainer thread is named in its job\'s error and the job is retried on a fresh thread', async () => {
    await chooseNodeBackend('cpu');
    const dataset = syntheticDataset(90);
    const r = await runHeadlessSearch({ dataset, preset: { ...preset, maxPoolSize: 3 }, strategy: 'petridish', workers: 2, backend: 'cpu',
      crashFirstJobAfterBatches: 1 });
    const first = r.jobs.find((j) => j.outcome === 'failed');
    expect(first?.error).toMatch(/^WorkerCrashError: trainer thread trainer-1 crashed while it ran job \S+-j0001: injected crash in job \S+-j0001$/);
    // Retried once, on another thread (it normally finishes; the search could have ended first and cancelled it).
    const tries = r.jobs.filter((j) => j.jobId === first?.jobId);
    expect(tries.map((j) => j.outcome)).toEqual(['failed', expect.stringMatching(/^(done|cancelled)$/)]);
    expect(tries[1]?.thread).not.toBe('trainer-1');
    expect(r.state.jobs.find((j) => j.id === first?.jobId)).toMatchObject({ attempt: 2 });
    expect(r.threads[0]).toMatchObject({ name: 'trainer-1', crash: expect.stringMatching(/injected crash/) });
    expect(r.threads.map((t) => t.name)).toEqual(['trainer-1', 'trainer-2', 'trainer-3']);
    for (const t of r.threads) expect(t.exitCode).not.toBeNull();
    expect(r.state.pool.length).toBe(3);
  });

  it('a time limit cancels the running jobs at their next batch, on trainer threads and on the main thread', async () => {
    await chooseNodeBackend('cpu');
    const dataset = syntheticDataset(90);
    // Jobs of 200 epochs would run for many minutes; the 1 s limit must end them at a batch instead.
    const long = { ...phase, epochs: 200, maxBatchesPerEpoch: 10 };
    const limited = makePreset('tiny', { seed: 5, maxPoolSize: 4, examplesPerClass: 20, testExamples: 9, maxSeconds: 1, seedTrain: long, search: long, postTrain: long });
    const baseline = tf.memory().numTensors;
    for (const workers of [2, 1]) {
      const r = await runHeadlessSearch({ dataset, preset: limited, strategy: 'petridish', workers, backend: 'cpu', tickMs: 50 });
      expect(r.state.finishReason, `${workers} workers`).toMatch(/^maxSeconds: /);
      expect(r.jobs.length).toBeGreaterThanOrEqual(1);
      for (const j of r.jobs) {
        expect(j.outcome, `${j.jobId} with ${workers} workers`).toBe('cancelled');
        expect(j.tensorsAfter).toBe(j.tensorsBefore);
      }
      expect(r.state.pool).toHaveLength(0);
      for (const t of r.threads) expect(t.exitCode).not.toBeNull();
    }
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
