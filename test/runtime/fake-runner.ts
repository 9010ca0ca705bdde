// A fake JobRunner for the RunController tests: it records every request and answers with synthetic results
// (the scheduler harness's fakeResult, which grows search jobs for real), on demand or at once.

import type { Job } from '../../src/core/search-types.ts';
import { JobCancelledError } from '../../src/ml/errors.ts';
import type { JobRunner, RunView } from '../../src/runtime/run/run-controller.ts';
import type { JobCallbacks } from '../../src/runtime/workers/worker-pool.ts';
import type { WireCheckpoint, WorkerJobOutcome, WorkerJobRequest } from '../../src/shared/worker-api.ts';
import { fakeResult } from '../core/scheduler/scheduler-harness.ts';
import { checkStartWeights } from '../../src/core/scheduler/jobs.ts';
import { makeWeights } from '../persistence/persistence-fixtures.ts';

interface Pending {
  request: WorkerJobRequest;
  cb: JobCallbacks;
  resolve: (o: WorkerJobOutcome) => void;
  reject: (e: Error) => void;
}

export function outcomeOf(job: Job): WorkerJobOutcome {
  const { weightsKey: _w, ...result } = fakeResult(job);
  return { result, weights: makeWeights([1, 2, 3]), tensorsBefore: 5, tensorsAfter: 5 };
}

/** A checkpoint after `epoch` epochs, or inside epoch `epoch + 1` after `batch` batches when given. */
export function checkpointOf(jobId: string, epoch: number, batch?: number): WireCheckpoint {
  const position = batch === undefined ? {} : { position: { batch, batchSize: 4, orderRng: [5, 6, 7, 8], lossSum: 2, hits: 3, seen: 4 * batch, seconds: 1 } };
  return {
    jobId,
    epoch,
    ...position,
    weights: makeWeights([epoch, 2, 3]),
    optimizer: makeWeights([0.1, 0.2, 0.3]),
    rngState: [1, 2, 3, 4],
    history: Array.from({ length: epoch }, (_, i) => ({ epoch: i + 1, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.5, lr: 0.01, seconds: 1 })),
    savedAt: 1,
  };
}

export class FakeRunner implements JobRunner {
  readonly requests: WorkerJobRequest[] = [];
  readonly cancels: string[] = [];
  readonly pending = new Map<string, Pending>();

  /**
   * @param auto answer each job as soon as it arrives (after the given error, if any, for that try)
   * @param failWith an error to end this try with, or null to succeed
   */
  constructor(
    private readonly auto = false,
    private readonly failWith: (req: WorkerJobRequest) => Error | null = () => null,
    /** When answering on its own, first send a mid-epoch checkpoint (so checkpoint writes are part of the run). */
    private readonly checkpointFirst = false,
  ) {}

  /** Stops answering on its own (the page that used it went away). */
  halt(): void {
    this.halted = true;
  }

  private halted = false;

  run(request: WorkerJobRequest, cb: JobCallbacks): Promise<WorkerJobOutcome> {
    this.requests.push(request);
    // As the worker's runJob does: a job without the starting weights its kind needs is refused.
    try {
      checkStartWeights(request.job, request.initWeights !== null);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return new Promise((resolve, reject) => {
      this.pending.set(request.job.id, { request, cb, resolve, reject });
      if (this.auto) {
        setTimeout(() => {
          const p = this.pending.get(request.job.id);
          if (this.halted || !p) return;
          if (!this.checkpointFirst) return this.answer(request.job.id);
          void Promise.resolve(p.cb.onCheckpoint(checkpointOf(request.job.id, 0, 2))).then(() => {
            if (!this.halted) setTimeout(() => this.answer(request.job.id), 0);
          });
        }, 0);
      }
    });
  }

  cancel(jobId: string): void {
    this.cancels.push(jobId);
    const p = this.pending.get(jobId);
    if (!p) return;
    this.pending.delete(jobId);
    setTimeout(() => p.reject(new JobCancelledError(`job ${jobId} cancelled`)), 0);
  }

  /** Ends a pending job: with the failure chosen for it, or a synthetic result. */
  answer(jobId: string): void {
    const p = this.pending.get(jobId);
    if (!p) return;
    this.pending.delete(jobId);
    const error = this.failWith(p.request);
    if (error) p.reject(error);
    else p.resolve(outcomeOf(p.request.job));
  }

  async checkpoint(jobId: string, epoch: number): Promise<void> {
    const p = this.pending.get(jobId);
    if (!p) throw new Error(`checkpoint: ${jobId} is not running`);
    await p.cb.onCheckpoint(checkpointOf(jobId, epoch));
  }

  requestsOf(jobId: string): WorkerJobRequest[] {
    return this.requests.filter((r) => r.job.id === jobId);
  }
}

/** Waits (on real timers) until `cond` holds; fails naming what it waited for. */
export async function waitUntil(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export function isOver(view: RunView | null): boolean {
  const s = view?.state.status;
  return s === 'finished' || s === 'stopped';
}
