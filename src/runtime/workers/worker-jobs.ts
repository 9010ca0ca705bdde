// The worker side of a controller's jobs, shared by the search's RunController and the FinalController: hands
// a job to the runner while keeping its live progress, tells a stop this side asked for (an interruption)
// from a failure, and routes the job's end back to the controller.
import { JobCancelledError, classifyError } from '../../ml/errors.ts';
import type { WorkerJobOutcome, WorkerJobRequest, WorkerProgress } from '../../shared/worker-api.ts';
import type { JobCallbacks } from './worker-pool.ts';
import { jobErrorText } from './worker-pool.ts';
import type { JobRunner, LiveJob } from '../run/run-types.ts';

/** Where a job's end goes: its result, an interruption (a stop asked for here, or a cancellation), or a failure's text. */
export interface JobEnds<T> {
  done(result: T): Promise<void> | void;
  interrupted(): Promise<void> | void;
  failed(error: string): Promise<void> | void;
}

/** What a controller hears of a job it runs, besides the live progress kept here. */
export interface RunCallbacks {
  onCheckpoint: JobCallbacks['onCheckpoint'];
  /** The job is handed to the runner (it was not stopped while its request was built). */
  onStart?: () => void;
  /** Every progress report, before the live progress takes it. */
  onProgress?: (p: WorkerProgress) => void;
}

export class WorkerJobs {
  /** Progress of the running jobs, by id; replaced (never mutated) on every change. */
  live: Record<string, LiveJob> = {};
  /** Jobs asked to stop here (pause, stop, a storage fault): their end is an interruption, not a failure. */
  private readonly cancelling = new Set<string>();

  constructor(
    private readonly runner: JobRunner,
    private readonly now: () => number,
    /** Called whenever `live` changed. */
    private readonly changed: () => void,
  ) {}

  /** Asks the runner to stop the job at its next batch; its end will be reported as an interruption. */
  cancel(jobId: string): void {
    this.cancelling.add(jobId);
    this.runner.cancel(jobId);
  }

  /**
   * Runs `work` (which builds the request and calls `run`) and sends its end to `ends`: the result; an
   * interruption when the job was cancelled here or the error is a cancellation; otherwise the error's text.
   */
  launch<T>(jobId: string, work: () => Promise<T>, ends: JobEnds<T>): void {
    this.cancelling.delete(jobId);
    void work().then(
      (result) => ends.done(result),
      (e: unknown) => (this.cancelling.delete(jobId) || classifyError(e) === 'cancelled' ? ends.interrupted() : ends.failed(jobErrorText(e))),
    );
  }

  /**
   * Hands `request` to the runner, keeping the job's live progress from `start` (the epoch and history it
   * resumes from) until it ends. Throws JobCancelledError, without running it, when the job was cancelled
   * while its request was being built; otherwise what the runner throws.
   */
  async run(request: WorkerJobRequest, start: Pick<LiveJob, 'epoch' | 'epochs' | 'history'>, cb: RunCallbacks): Promise<WorkerJobOutcome> {
    const jobId = request.job.id;
    if (this.cancelling.has(jobId)) throw new JobCancelledError(`job ${jobId} was stopped before it started`);
    const startedAt = this.now();
    this.live = { ...this.live, [jobId]: { jobId, ...start, batch: 0, batches: 0, loss: Number.NaN, startedAt, updatedAt: startedAt } };
    this.changed();
    cb.onStart?.();
    try {
      return await this.runner.run(request, {
        onCheckpoint: cb.onCheckpoint,
        onProgress: (p) => {
          cb.onProgress?.(p);
          this.progress(p);
        },
      });
    } finally {
      const { [jobId]: _ended, ...rest } = this.live;
      this.live = rest;
    }
  }

  private progress(p: WorkerProgress): void {
    const prev = this.live[p.jobId];
    if (!prev) return;
    const history = p.metrics && !prev.history.some((h) => h.epoch === p.metrics?.epoch) ? [...prev.history, p.metrics] : prev.history;
    this.live = { ...this.live, [p.jobId]: { ...prev, epoch: p.epoch, epochs: p.epochs, batch: p.batch, batches: p.batches, loss: p.loss, updatedAt: this.now(), history } };
    this.changed();
  }
}
