// Drives one run: feeds events to the scheduler's pure reducer, carries out its commands (run a job on the
// worker pool, persist, cancel), and rebuilds the run from IndexedDB after a reload. The only place with side
// effects on the search; every event and command goes through one queue so they never interleave.
import { createScheduler, reduce, restore, snapshot } from '../core/scheduler.ts';
import type { RunSnapshot, SchedulerCommand, SchedulerEvent, SchedulerState } from '../core/scheduler-types.ts';
import type { Job, JobResult } from '../core/search-types.ts';
import { checkStartWeights } from '../core/scheduler-jobs.ts';
import type { NamedWeights } from '../core/weights.ts';
import { deleteCheckpoint, getCheckpoint, putCheckpoint } from '../persistence/checkpoint-repo.ts';
import { commitJobResult, listJobs, putJob } from '../persistence/job-repo.ts';
import { listPoints, putPoint } from '../persistence/point-repo.ts';
import type { RecordProblem, RunRecord } from '../persistence/records.ts';
import { getRun, isReadOnlyRun, putRun } from '../persistence/run-repo.ts';
import { getWeights } from '../persistence/weights-repo.ts';
import type { WireCheckpoint, WorkerJobRequest, WorkerProgress } from '../shared/worker-api.ts';
import { JobCancelledError, classifyError } from '../ml/errors.ts';
import { describeError } from './describe-error.ts';
import { configOf, runStatusOf, weightsKeyOf, type ControllerDeps, type LiveJob, type NewRunOptions, type RunView } from './run-types.ts';
import { jobErrorText } from './worker-pool.ts';

export type { ControllerDeps, JobRunner, LiveJob, NewRunOptions, RunView } from './run-types.ts';
export { configOf, weightsKeyOf } from './run-types.ts';

export class RunController {
  private queue: Promise<void> = Promise.resolve();
  private weights = new Map<string, NamedWeights>();
  private live: Record<string, LiveJob> = {};
  private problems: string[] = [];
  private lastLeak = 0;
  private crashHookUsed = false;
  /** Jobs this controller asked to stop (pause, stop): their end is an interruption, not a failure. */
  private cancelling = new Set<string>();

  private constructor(
    private readonly deps: ControllerDeps,
    private run: RunRecord,
    private state: SchedulerState,
    readonly readOnly: boolean,
  ) {}

  /** Creates and persists a new run, then starts its seed jobs. */
  static async create(deps: ControllerDeps, opts: NewRunOptions): Promise<RunController> {
    const now = deps.now();
    const out = createScheduler(opts.config, now);
    const run: RunRecord = { ...opts.run, status: 'running', createdAt: now, updatedAt: now, snapshot: snapshot(out.state) };
    await putRun(deps.db, run);
    const c = new RunController(deps, run, out.state, false);
    await c.enqueue(async () => c.execute(out.commands));
    return c;
  }

  /** Rebuilds a stored run. Unless read-only, jobs that were running continue from their last epoch checkpoint. */
  static async open(deps: ControllerDeps, runId: string, opts: { readOnly: boolean }): Promise<RunController> {
    const { record: run, problems } = await getRun(deps.db, runId);
    if (!run) throw new Error(`run ${runId} could not be read${problems.length ? `: ${problems.map((p) => p.message).join('; ')}` : ''}`);
    const jobs = await listJobs(deps.db, runId);
    const points = await listPoints(deps.db, runId);
    const config = configOf(run);
    const readOnly = opts.readOnly || isReadOnlyRun(run);
    const out = restore(config, run.snapshot as RunSnapshot, jobs.records, points.records, deps.now());
    const c = new RunController(deps, run, out.state, readOnly);
    c.report([...problems, ...jobs.problems, ...points.problems]);
    if (!readOnly) await c.enqueue(async () => c.execute(out.commands));
    else c.notify();
    return c;
  }

  get view(): RunView {
    return { run: this.run, state: this.state, live: this.live, readOnly: this.readOnly, problems: this.problems, lastLeak: this.lastLeak };
  }

  pause(): Promise<void> {
    return this.dispatch({ type: 'pause', now: this.deps.now() });
  }

  resume(): Promise<void> {
    return this.dispatch({ type: 'resume', now: this.deps.now() });
  }

  stop(): Promise<void> {
    return this.dispatch({ type: 'stop', now: this.deps.now() });
  }

  tick(): Promise<void> {
    return this.dispatch({ type: 'tick', now: this.deps.now() });
  }

  /** Resolves once every event queued so far has been handled (tests and shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  private dispatch(event: SchedulerEvent): Promise<void> {
    if (this.readOnly) return Promise.resolve();
    return this.enqueue(async () => {
      const out = reduce(this.state, event);
      this.state = out.state;
      await this.execute(out.commands);
    });
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step).catch((e: unknown) => this.report([`the search hit an error: ${describeError(e)}`]));
    this.queue = next.then(() => this.notify());
    return this.queue;
  }

  private async execute(commands: SchedulerCommand[]): Promise<void> {
    for (const cmd of commands) await this.executeOne(cmd);
  }

  private async executeOne(cmd: SchedulerCommand): Promise<void> {
    const { db } = this.deps;
    const runId = this.run.id;
    switch (cmd.type) {
      case 'runJob':
        this.launch(cmd.job);
        return;
      case 'cancelJob':
        this.cancelling.add(cmd.jobId);
        this.deps.runner.cancel(cmd.jobId);
        return;
      case 'saveJob': {
        const weights = this.weights.get(cmd.job.id);
        if (cmd.job.status === 'done' && weights) {
          await commitJobResult(db, { job: { ...cmd.job, runId }, point: null, weightsKey: weightsKeyOf(cmd.job), weights, runPatch: this.runPatch() });
          this.weights.delete(cmd.job.id);
          this.deps.onJobEvent?.({ type: 'done', jobId: cmd.job.id });
        } else {
          await putJob(db, { ...cmd.job, runId });
          if (cmd.job.status === 'failed' || cmd.job.status === 'cancelled') await deleteCheckpoint(db, cmd.job.id);
        }
        return;
      }
      case 'savePoint': {
        const weights = this.weights.get(cmd.job.id);
        if (!weights) throw new Error(`no weights in hand for finished job ${cmd.job.id}`);
        await commitJobResult(db, { job: { ...cmd.job, runId }, point: { ...cmd.point, runId }, weightsKey: cmd.point.weightsKey, weights, runPatch: this.runPatch() });
        this.weights.delete(cmd.job.id);
        this.deps.onJobEvent?.({ type: 'done', jobId: cmd.job.id });
        return;
      }
      case 'updatePoint':
        await putPoint(db, { ...cmd.point, runId });
        return;
      case 'saveRunState':
      case 'finished':
        this.run = { ...this.run, ...this.runPatch() };
        await putRun(db, this.run);
        return;
    }
  }

  private runPatch(): Pick<RunRecord, 'snapshot' | 'status' | 'updatedAt'> {
    return { snapshot: snapshot(this.state), status: runStatusOf(this.state), updatedAt: this.deps.now() };
  }

  /** Starts a job on a worker; its end comes back as an event through the queue. */
  private launch(job: Job): void {
    this.cancelling.delete(job.id);
    void this.dispatch({ type: 'jobStarted', jobId: job.id, now: this.deps.now() });
    void this.runOnWorker(job).then(
      (result) => this.dispatch({ type: 'jobDone', jobId: job.id, result, now: this.deps.now() }),
      (e: unknown) => {
        const now = this.deps.now();
        // A job stopped on request goes back to the queue as it was; any other end is a failure (retried smaller).
        if (this.cancelling.delete(job.id) || classifyError(e) === 'cancelled') return this.dispatch({ type: 'jobInterrupted', jobId: job.id, now });
        return this.dispatch({ type: 'jobFailed', jobId: job.id, error: jobErrorText(e), now });
      },
    );
  }

  private async runOnWorker(job: Job): Promise<JobResult> {
    const { db } = this.deps;
    const request = await this.buildRequest(job);
    // A pause or stop that came while the request was being built: the job never reaches the runner.
    if (this.cancelling.has(job.id)) throw new JobCancelledError(`job ${job.id} cancelled before it started`);
    const startedAt = this.deps.now();
    this.live = { ...this.live, [job.id]: { jobId: job.id, epoch: 0, epochs: 0, batch: 0, batches: 0, loss: NaN, startedAt, updatedAt: startedAt, history: request.resume?.history ?? [] } };
    this.notify();
    this.deps.onJobEvent?.({ type: 'start', jobId: job.id });
    // User Timing marks for bench/engine.ts (worker busy intervals, time to the first step after a reload).
    performance.mark('petridish:job-start', { detail: job.id });
    try {
      const outcome = await this.deps.runner.run(request, {
        onProgress: (p) => this.onProgress(p),
        onCheckpoint: async (c: WireCheckpoint) => {
          await putCheckpoint(db, { ...c, runId: this.run.id });
        },
      });
      this.lastLeak = outcome.tensorsAfter - outcome.tensorsBefore;
      if (this.lastLeak !== 0) this.report([`job ${job.id} left ${this.lastLeak} tensors behind in its worker`]);
      this.weights.set(job.id, outcome.weights);
      return { ...outcome.result, weightsKey: weightsKeyOf(job) };
    } finally {
      performance.mark('petridish:job-end', { detail: job.id });
      const { [job.id]: _done, ...rest } = this.live;
      this.live = rest;
    }
  }

  private async buildRequest(job: Job): Promise<WorkerJobRequest> {
    const { db } = this.deps;
    let initWeights: NamedWeights | null = null;
    if (job.initWeightsKey) {
      const w = await getWeights(db, job.initWeightsKey);
      this.report(w.problems);
      if (!w.record) throw new Error(`the weights "${job.initWeightsKey}" this job starts from could not be read`);
      initWeights = w.record;
    }
    // A search or post-training sent without its starting weights would train from scratch in silence.
    checkStartWeights(job, initWeights !== null);
    const ckpt = await getCheckpoint(db, job.id);
    this.report(ckpt.problems);
    const resume: WireCheckpoint | null = ckpt.record ? { ...ckpt.record } : null;
    const request: WorkerJobRequest = {
      job,
      preset: this.run.preset,
      dataset: { dbName: this.deps.dbName, id: this.run.dataset.id },
      initWeights,
      parentDesc: initWeights ? job.desc : null,
      resume,
    };
    if (this.deps.crashFirstJobAfterBatches !== undefined && !this.crashHookUsed) {
      this.crashHookUsed = true;
      request.crashAfterBatches = this.deps.crashFirstJobAfterBatches;
    }
    return request;
  }

  private onProgress(p: WorkerProgress): void {
    const prev = this.live[p.jobId];
    if (!prev) return;
    if (performance.getEntriesByName('petridish:first-step').length === 0) performance.mark('petridish:first-step', { detail: { jobId: p.jobId, batch: p.batch } });
    const history = p.metrics && !prev.history.some((h) => h.epoch === p.metrics?.epoch) ? [...prev.history, p.metrics] : prev.history;
    this.live = { ...this.live, [p.jobId]: { ...prev, epoch: p.epoch, epochs: p.epochs, batch: p.batch, batches: p.batches, loss: p.loss, updatedAt: this.deps.now(), history } };
    this.notify();
  }

  private report(problems: (RecordProblem | string)[]): void {
    if (problems.length === 0) return;
    this.problems = [...this.problems, ...problems.map((p) => (typeof p === 'string' ? p : `${p.store} ${p.key}: ${p.message}`))];
    this.notify();
  }

  private notify(): void {
    this.deps.onChange(this.view);
  }
}
