// The records of a final training: one per request, holding its settings, its state as a job and, once
// done, its result. Kept apart from the pool: a final model never enters the hull, the ε-band, parent
// sampling or the choice of the best point.

import type { MacroTriple, ModelDesc } from '../space/model-desc.ts';
import type { EpochMetrics, Job, JobStatus, TestSource } from '../search-types.ts';
import type { FinalSpec } from './final-spec.ts';

/** A job's states plus `paused`: stopped by the user, kept out of the queue until resumed. */
export type FinalStatus = JobStatus | 'paused';

export interface FinalResult {
  /** Per epoch; the "validation" columns hold the test examples' loss and accuracy (nothing is selected on them). */
  history: EpochMetrics[];
  /** Top-1 accuracy in [0, 1] of the trained model on the run's test examples, after the last epoch. */
  testAcc: number;
  testLoss: number;
  /** How many test examples it was measured on, and where they come from (as for pool points). */
  testCount: number;
  testSource: TestSource;
  /** Multiply-adds and parameters of the evaluation-width model (the auxiliary tower excluded, spec §6). */
  madd: number;
  params: number;
  /** Key of the trained weights (without the auxiliary tower). */
  weightsKey: string;
  finishedAt: number;
}

export interface FinalTraining {
  /** `${runId}-f0001`, … */
  id: string;
  /** The pool point whose cells are rebuilt. */
  pointId: string;
  spec: FinalSpec;
  /** The evaluation-width description that trains. */
  desc: ModelDesc;
  macro: MacroTriple;
  status: FinalStatus;
  /** 1-based try; a retry halves the batch size. */
  attempt: number;
  batchSizeScale: number;
  error: string | null;
  createdAt: number;
  result: FinalResult | null;
}

/** The job a worker runs for a final training (kind `final_train`; it starts from fresh weights). */
export function finalJobOf(t: FinalTraining): Job {
  return {
    id: t.id,
    kind: 'final_train',
    status: t.status === 'paused' ? 'queued' : t.status,
    desc: t.desc,
    macro: t.macro,
    parentPointId: t.pointId,
    initWeightsKey: null,
    attempt: t.attempt,
    batchSizeScale: t.batchSizeScale,
    error: t.error,
    createdAt: t.createdAt,
    final: t.spec,
  };
}

export function finalId(runId: string, n: number): string {
  return `${runId}-f${String(n).padStart(4, '0')}`;
}

/** Where a final model's weights are stored. */
export function finalWeightsKey(id: string): string {
  return `${id}/weights`;
}
