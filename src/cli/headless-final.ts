// The headless runner's final training: the same reducer (core/final) and the same job (ml/final-job.ts) as
// the app, run in-process after the search on one pool point, with a summary the CLI writes as JSON.

import * as tf from '@tensorflow/tfjs';
import { bestModels } from '../core/pareto/best.ts';
import { createFinalQueue, reduceFinal, type FinalOutput } from '../core/final/final-queue.ts';
import { finalSpecWith, type FinalChoices } from '../core/final/final-spec.ts';
import type { FinalTraining } from '../core/final/final-types.ts';
import type { Job, PoolPoint } from '../core/search-types.ts';
import type { SearchPreset } from '../core/training/training-config.ts';
import type { Dataset } from '../data/dataset.ts';
import { runFinalJob } from '../ml/train/final-job.ts';
import type { TrainProgress } from '../ml/train/train.ts';

export interface HeadlessFinalOptions {
  runId: string;
  dataset: Dataset;
  preset: SearchPreset;
  pool: readonly PoolPoint[];
  /** A pool point id, or `best` (lowest validation error, under `budgetMadd` when given). */
  pointId: string;
  budgetMadd?: number | null;
  choices?: FinalChoices;
  now?: () => number;
  onProgress?: (job: Job, p: TrainProgress) => void;
}

export interface HeadlessFinalResult {
  training: FinalTraining;
  /** The pool point it rebuilt (its validation error is the proxy's). */
  point: PoolPoint;
  seconds: number;
  tensorsBefore: number;
  tensorsAfter: number;
}

/** The pool point `pointId` names; throws naming the id (or the empty pool) when there is none. */
export function pickFinalPoint(pool: readonly PoolPoint[], pointId: string, budgetMadd: number | null): PoolPoint {
  if (pointId === 'best') {
    const best = bestModels(pool, budgetMadd);
    const p = best.lowestErrorUnderBudget ?? best.lowestError;
    if (!p) throw new Error('--final best: the pool is empty');
    return p;
  }
  const p = pool.find((q) => q.id === pointId);
  if (!p) throw new Error(`--final: no pool point ${JSON.stringify(pointId)} (the pool has ${pool.map((q) => q.id).join(', ') || 'none'})`);
  return p;
}

/** Trains the point's final model (one try; a failure throws with the job's error). */
export async function runHeadlessFinal(opts: HeadlessFinalOptions): Promise<HeadlessFinalResult> {
  const now = opts.now ?? Date.now;
  const point = pickFinalPoint(opts.pool, opts.pointId, opts.budgetMadd ?? null);
  const spec = finalSpecWith(opts.preset, opts.choices);
  let out: FinalOutput = reduceFinal(createFinalQueue(opts.runId, 1), { type: 'request', point, spec, now: now() });
  const cmd = out.commands.find((c) => c.type === 'runJob');
  if (!cmd || cmd.type !== 'runJob') throw new Error('final training: the queue started no job');
  const job = cmd.job;
  const tensorsBefore = tf.memory().numTensors;
  const startedAt = now();
  try {
    const r = await runFinalJob({ job, preset: opts.preset, dataset: opts.dataset, initWeights: null, parentDesc: null,
      onProgress: (p) => opts.onProgress?.(job, p) });
    out = reduceFinal(out.state, { type: 'done', id: job.id, result: { ...r.result, weightsKey: '' }, test: r.test, now: now() });
  } catch (e) {
    out = reduceFinal(out.state, { type: 'failed', id: job.id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), now: now() });
  }
  const training = out.state.trainings[0] as FinalTraining;
  if (training.status !== 'done') throw new Error(`final training of ${point.id} failed: ${training.error ?? training.status}`);
  return { training, point, seconds: (now() - startedAt) / 1000, tensorsBefore, tensorsAfter: tf.memory().numTensors };
}
