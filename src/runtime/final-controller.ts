// Drives a run's final trainings: feeds events to the pure final-training reducer (core/final/final-queue.ts),
// runs its jobs on the same worker pool as the search (progress, epoch checkpoints, resume after a reload,
// pause), and stores each finished training with its weights in one transaction. Independent of the search's
// RunController: a final training runs whether the search is running, paused or finished, and its result
// never reaches the pool.
import { createFinalQueue, reduceFinal, restoreFinalQueue, type FinalCommand, type FinalEvent, type FinalQueueState } from '../core/final/final-queue.ts';
import { finalSpecWith, type FinalChoices } from '../core/final/final-spec.ts';
import { finalId, finalWeightsKey, type FinalTraining } from '../core/final/final-types.ts';
import type { Job, PoolPoint } from '../core/search-types.ts';
import type { NamedWeights } from '../core/weights.ts';
import { JobCancelledError, classifyError } from '../ml/errors.ts';
import { deleteCheckpoint, getCheckpoint, putCheckpoint } from '../persistence/checkpoint-repo.ts';
import type { PetridishDb } from '../persistence/db.ts';
import { commitFinalResult, listFinals, putFinal } from '../persistence/final-repo.ts';
import type { RunRecord } from '../persistence/records.ts';
import type { WireCheckpoint, WorkerJobRequest, WorkerProgress } from '../shared/worker-api.ts';
import { describeError } from './describe-error.ts';
import type { JobRunner, LiveJob } from './run-types.ts';
import { jobErrorText } from './worker-pool.ts';

export interface FinalView {
  trainings: FinalTraining[];
  /** Progress of the running training, by id. */
  live: Record<string, LiveJob>;
  /** Records that could not be read back and errors hit; shown, never fatal. */
  problems: string[];
}

export interface FinalDeps {
  db: PetridishDb;
  dbName: string;
  runner: JobRunner;
  now: () => number;
  onChange: (view: FinalView) => void;
}

export class FinalController {
  private queue: Promise<void> = Promise.resolve();
  private weights = new Map<string, NamedWeights>();
  private live: Record<string, LiveJob> = {};
  private problems: string[] = [];
  /** Jobs this controller asked to stop: their end is an interruption, not a failure. */
  private cancelling = new Set<string>();

  private constructor(private readonly deps: FinalDeps, private readonly run: RunRecord, private state: FinalQueueState) {}

  /** Reads the run's final trainings back; one that was running continues from its last checkpoint. */
  static async open(deps: FinalDeps, run: RunRecord): Promise<FinalController> {
    const stored = await listFinals(deps.db, run.id);
    let c: FinalController;
    try {
      const out = restoreFinalQueue(run.id, stored.records);
      c = new FinalController(deps, run, out.state);
      c.report(stored.problems.map((p) => `${p.store} ${p.key}: ${p.message} (skipped)`));
      await c.enqueue(() => c.execute(out.commands));
    } catch (e) {
      c = new FinalController(deps, run, createFinalQueue(run.id));
      c.report([`the final trainings of run ${run.id} could not be restored: ${describeError(e)}`]);
    }
    return c;
  }

  get view(): FinalView {
    return { trainings: this.state.trainings, live: this.live, problems: this.problems };
  }

  /**
   * Queues a final training of `point` with the preset's settings and the user's width and epochs. Throws
   * (before anything is stored) when a choice is invalid or the point has no trained weights.
   */
  async request(point: PoolPoint, choices: FinalChoices = {}): Promise<string> {
    if (this.run.status === 'imported' || !point.weightsKey) throw new Error(`point ${point.id} belongs to an imported run; its architecture can be trained only in the run that found it`);
    const spec = finalSpecWith(this.run.preset, choices);
    const id = finalId(this.run.id, this.state.nextNumber);
    await this.dispatch({ type: 'request', point, spec, now: this.deps.now() });
    return id;
  }

  pause(id: string): Promise<void> {
    return this.dispatch({ type: 'pause', id, now: this.deps.now() });
  }

  resume(id: string): Promise<void> {
    return this.dispatch({ type: 'resume', id, now: this.deps.now() });
  }

  cancel(id: string): Promise<void> {
    return this.dispatch({ type: 'cancel', id, now: this.deps.now() });
  }

  /** Resolves once every event queued so far has been handled. */
  idle(): Promise<void> {
    return this.queue;
  }

  private dispatch(event: FinalEvent): Promise<void> {
    return this.enqueue(async () => {
      const out = reduceFinal(this.state, event);
      this.state = out.state;
      await this.execute(out.commands);
    });
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step).catch((e: unknown) => this.report([`a final training hit an error: ${describeError(e)}`]));
    this.queue = next.then(() => this.notify());
    return this.queue;
  }

  private async execute(commands: FinalCommand[]): Promise<void> {
    for (const cmd of commands) await this.executeOne(cmd);
  }

  private async executeOne(cmd: FinalCommand): Promise<void> {
    const { db } = this.deps;
    switch (cmd.type) {
      case 'runJob':
        this.launch(cmd.job);
        return;
      case 'cancelJob':
        this.cancelling.add(cmd.jobId);
        this.deps.runner.cancel(cmd.jobId);
        return;
      case 'saveFinal': {
        const record = { ...cmd.training, runId: this.run.id };
        if (record.status === 'done') {
          const weights = this.weights.get(record.id);
          if (!weights) throw new Error(`no weights in hand for finished final training ${record.id}`);
          await commitFinalResult(db, record, weights);
          this.weights.delete(record.id);
          return;
        }
        await putFinal(db, record);
        if (record.status === 'failed' || record.status === 'cancelled') await deleteCheckpoint(db, record.id);
        return;
      }
    }
  }

  private launch(job: Job): void {
    this.cancelling.delete(job.id);
    void this.runOnWorker(job).then(
      ({ result, test }) => this.dispatch({ type: 'done', id: job.id, result, test, now: this.deps.now() }),
      (e: unknown) => {
        const now = this.deps.now();
        if (this.cancelling.delete(job.id) || classifyError(e) === 'cancelled') return this.dispatch({ type: 'interrupted', id: job.id, now });
        return this.dispatch({ type: 'failed', id: job.id, error: jobErrorText(e), now });
      },
    );
  }

  private async runOnWorker(job: Job) {
    const { db } = this.deps;
    const ckpt = await getCheckpoint(db, job.id);
    this.report(ckpt.problems.map((p) => `${p.store} ${p.key}: ${p.message}`));
    const request: WorkerJobRequest = {
      job,
      preset: this.run.preset,
      dataset: { dbName: this.deps.dbName, id: this.run.dataset.id },
      initWeights: null,
      parentDesc: null,
      resume: ckpt.record ? { ...ckpt.record } : null,
    };
    if (this.cancelling.has(job.id)) throw new JobCancelledError(`final training ${job.id} stopped before it started`);
    const startedAt = this.deps.now();
    this.live = { ...this.live, [job.id]: { jobId: job.id, epoch: request.resume?.epoch ?? 0, epochs: job.final?.recipe.epochs ?? 0, batch: 0, batches: 0,
      loss: NaN, startedAt, updatedAt: startedAt, history: request.resume?.history ?? [] } };
    this.notify();
    try {
      const outcome = await this.deps.runner.run(request, {
        onProgress: (p) => this.onProgress(p),
        onCheckpoint: async (c: WireCheckpoint) => {
          await putCheckpoint(db, { ...c, runId: this.run.id });
        },
      });
      const leak = outcome.tensorsAfter - outcome.tensorsBefore;
      if (leak !== 0) this.report([`final training ${job.id} left ${leak} tensors behind in its worker`]);
      if (!outcome.finalTest) throw new Error(`final training ${job.id}: the worker returned no test accuracy`);
      this.weights.set(job.id, outcome.weights);
      return { result: { ...outcome.result, weightsKey: finalWeightsKey(job.id) }, test: outcome.finalTest };
    } finally {
      const { [job.id]: _done, ...rest } = this.live;
      this.live = rest;
    }
  }

  private onProgress(p: WorkerProgress): void {
    const prev = this.live[p.jobId];
    if (!prev) return;
    const history = p.metrics && !prev.history.some((h) => h.epoch === p.metrics?.epoch) ? [...prev.history, p.metrics] : prev.history;
    this.live = { ...this.live, [p.jobId]: { ...prev, epoch: p.epoch, epochs: p.epochs, batch: p.batch, batches: p.batches, loss: p.loss, updatedAt: this.deps.now(), history } };
    this.notify();
  }

  private report(problems: string[]): void {
    if (problems.length === 0) return;
    this.problems = [...this.problems, ...problems];
    this.notify();
  }

  private notify(): void {
    this.deps.onChange(this.view);
  }
}
