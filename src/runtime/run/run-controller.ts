// Drives one run: feeds events to the scheduler's pure reducer, writes each step's records in ONE transaction
// (run state, jobs, points, weights, obsolete checkpoints, test journal), and only then carries out the step's
// side effects (start or cancel jobs), so a browser killed between two writes leaves a consistent run. A write
// that fails (full quota, aborted transaction, closed database) pauses the run with a message saying what was
// not saved; the unsaved steps are kept and written on resume. Every event goes through one queue.
import { reduce, restore, snapshot } from '../../core/scheduler/scheduler.ts';
import { createScheduler } from '../../core/scheduler/scheduler.ts';
import type { SchedulerCommand, SchedulerEvent, SchedulerOutput, SchedulerState, RunSnapshot } from '../../core/scheduler/types.ts';
import type { StopLimits } from '../../core/scheduler/stop-rules.ts';
import { stopReason } from '../../core/scheduler/stop-rules.ts';
import type { EpochMetrics, Job, JobResult } from '../../core/search-types.ts';
import { checkStartWeights } from '../../core/scheduler/jobs.ts';
import type { NamedWeights } from '../../core/weights.ts';
import { getCheckpoint, putCheckpoint } from '../../persistence/repositories/checkpoint-repo.ts';
import { listCurves, listJobs } from '../../persistence/repositories/job-repo.ts';
import { listPoints } from '../../persistence/repositories/point-repo.ts';
import type { CurveRecord, RecordProblem, RunRecord } from '../../persistence/database/records.ts';
import { getRun, isReadOnlyRun } from '../../persistence/repositories/run-repo.ts';
import { commitStep } from '../../persistence/repositories/step-repo.ts';
import { getWeights } from '../../persistence/repositories/weights-repo.ts';
import type { WireCheckpoint, WorkerJobRequest, WorkerProgress } from '../../shared/worker-api.ts';
import { describeError } from '../describe-error.ts';
import { configOf, runStatusOf, weightsKeyOf, type ControllerDeps, type NewRunOptions, type RunView } from './run-types.ts';
import { stepWrites, storageFaultMessage } from './step-writes.ts';
import { WorkerJobs } from '../workers/worker-jobs.ts';

export type { ControllerDeps, JobRunner, LiveJob, NewRunOptions, RunView } from './run-types.ts';
export { configOf, weightsKeyOf } from './run-types.ts';

/**
 * Why a stored run must open read-only because its dataset is no longer in this browser, or null when the
 * dataset is there, the run was imported (it never had one here), or `deps.hasDataset` is not given.
 */
async function datasetGoneMessage(deps: ControllerDeps, run: RunRecord): Promise<string | null> {
  if (!deps.hasDataset || run.status === 'imported' || (await deps.hasDataset(run.dataset.id))) return null;
  const back = run.dataset.source === 'upload'
    ? 'A dataset uploaded again is stored as a new one, so this run stays read-only; start a new search on it instead.'
    : `Add ${run.dataset.name} again in the dataset picker to resume or continue this run, or to check, download or train its models.`;
  return `The dataset "${run.dataset.name}" this run trained on is no longer stored in this browser, so the run is open read-only: its models, scores and exports are all here. ${back}`;
}

/** A step to write: an event to reduce, or a step already reduced (the restore of a reopened run). */
type Held = { event: SchedulerEvent } | { step: SchedulerOutput };

export class RunController {
  private queue: Promise<void> = Promise.resolve();
  private weights = new Map<string, NamedWeights>();
  /** Histories of finished jobs whose step is not written yet, by job id (written with their weights). */
  private histories = new Map<string, EpochMetrics[]>();
  /** The stored curves of finished jobs, by job id: read at open, added to as each finished job is written. */
  private curves = new Map<string, CurveRecord>();
  private problems: string[] = [];
  private lastLeak = 0;
  private crashHookUsed = false;
  /** The jobs on workers: live progress, and which were asked to stop (their end is an interruption). */
  private readonly jobs: WorkerJobs;
  /** Why the run is paused on a storage error (what was not saved, what to do); null when saving works. */
  private fault: string | null = null;
  /** Steps received since the storage fault, the failed one first: written, in order, on resume. */
  private held: Held[] = [];

  private constructor(
    private readonly deps: ControllerDeps,
    private run: RunRecord,
    private state: SchedulerState,
    readonly readOnly: boolean,
    private readonly datasetGone: string | null = null,
  ) {
    this.jobs = new WorkerJobs(deps.runner, deps.now, () => this.notify());
  }

  /** Creates a new run: its record and seed jobs are written in one transaction, then the first jobs start. */
  static async create(deps: ControllerDeps, opts: NewRunOptions): Promise<RunController> {
    const now = deps.now();
    const out = createScheduler(opts.config, now);
    const run: RunRecord = { ...opts.run, status: 'running', createdAt: now, updatedAt: now, snapshot: snapshot(out.state) };
    const c = new RunController(deps, run, out.state, false);
    // A failure here is thrown: nothing of the run exists yet, so there is nothing to pause.
    await commitStep(deps.db, c.writesOf(out, true));
    c.state = out.state;
    await c.enqueue(async () => c.sideEffects(out.commands));
    return c;
  }

  /**
   * Rebuilds a stored run. Unless read-only (asked for, or an imported run), the job that was running continues
   * first from its last checkpoint, and jobs the records lack are recreated (see `restore`); what was repaired
   * is listed in `problems`. Throws when the run record cannot be read.
   */
  static async open(deps: ControllerDeps, runId: string, opts: { readOnly: boolean }): Promise<RunController> {
    const { record: run, problems } = await getRun(deps.db, runId);
    if (!run) throw new Error(`run ${runId} could not be read${problems.length ? `: ${problems.map((p) => p.message).join('; ')}` : ''}`);
    const jobs = await listJobs(deps.db, runId);
    const points = await listPoints(deps.db, runId);
    const curves = await listCurves(deps.db, runId);
    const config = configOf(run);
    const gone = await datasetGoneMessage(deps, run);
    const readOnly = opts.readOnly || isReadOnlyRun(run) || gone !== null;
    const out = restore(config, run.snapshot as RunSnapshot, jobs.records, points.records, deps.now());
    const c = new RunController(deps, run, out.state, readOnly, gone);
    for (const curve of curves.records) c.curves.set(curve.jobId, curve);
    c.report([...problems, ...jobs.problems, ...points.problems, ...curves.problems]);
    if (readOnly) {
      c.notify();
      return c;
    }
    c.report(out.notes);
    await c.enqueue(async () => {
      await c.applyStep({ step: out });
    });
    return c;
  }

  get view(): RunView {
    return { run: this.run, state: this.state, live: this.jobs.live, readOnly: this.readOnly, problems: this.problems,
      curves: [...this.curves.values()], lastLeak: this.lastLeak, fault: this.fault, datasetGone: this.datasetGone };
  }

  pause(): Promise<void> {
    return this.dispatch({ type: 'pause', now: this.deps.now() });
  }

  /** Resumes a paused run; after a storage fault, first writes the steps that could not be saved. */
  resume(): Promise<void> {
    if (this.readOnly) return Promise.resolve();
    return this.enqueue(async () => {
      if (this.fault !== null) {
        const held = this.held;
        this.fault = null;
        this.held = [];
        for (const [i, entry] of held.entries()) {
          if (!(await this.applyStep(entry))) {
            this.held.push(...held.slice(i + 1));
            return;
          }
        }
      }
      await this.applyStep({ event: { type: 'resume', now: this.deps.now() } });
    });
  }

  stop(): Promise<void> {
    return this.dispatch({ type: 'stop', now: this.deps.now() });
  }

  tick(): Promise<void> {
    return this.dispatch({ type: 'tick', now: this.deps.now() });
  }

  /**
   * Continues a finished or stopped run up to `limits` (the preset's stop rules otherwise). Throws, changing
   * nothing, when the run is read-only, has not ended, or the limits are already reached (naming the rule).
   */
  continueRun(limits: Partial<StopLimits> = {}): Promise<void> {
    if (this.readOnly) return Promise.reject(new Error('this run is open read-only, so it cannot be continued here'));
    const { status, config, pool, elapsedSeconds } = this.state;
    if (status !== 'finished' && status !== 'stopped') return Promise.reject(new Error(`only an ended run can be continued; this one is ${status}`));
    const reached = stopReason({ ...config.preset, ...limits }, pool, elapsedSeconds);
    if (reached !== null) return Promise.reject(new Error(`the run cannot continue: its stop rule is already met (${reached}); raise that limit first`));
    return this.dispatch({ type: 'continue', now: this.deps.now(), limits });
  }

  /**
   * Stops driving the run because its storage went away (the database was closed for another tab's upgrade):
   * the running jobs stop and the run shows `reason` as its fault. Nothing already saved changes.
   */
  halt(reason: string): Promise<void> {
    if (this.readOnly) return Promise.resolve();
    return this.enqueue(async () => this.enterFault(reason, null));
  }

  /** Resolves once every event queued so far has been handled (tests and shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  private dispatch(event: SchedulerEvent): Promise<void> {
    if (this.readOnly) return Promise.resolve();
    return this.enqueue(async () => {
      if (this.fault !== null) {
        // Kept for the resume; the clock ticks of a paused run change nothing that must be kept.
        if (event.type !== 'tick') this.held.push({ event });
        return;
      }
      await this.applyStep({ event });
    });
  }

  /**
   * Reduces one event (or takes a step already reduced: the restore), writes the step and carries out its side
   * effects; false when the write failed (the run is then paused on the storage fault, the step kept).
   */
  private async applyStep(entry: Held): Promise<boolean> {
    const out = 'step' in entry ? entry.step : reduce(this.state, entry.event);
    if (out.state === this.state && out.commands.length === 0) return true;
    const write = this.writesOf(out, false);
    try {
      await commitStep(this.deps.db, write);
    } catch (e) {
      this.enterFault(await storageFaultMessage(e, write.what), entry);
      return false;
    }
    this.state = out.state;
    this.run = write.run;
    for (const { key } of write.weights) this.weights.delete(key);
    for (const curve of write.curves ?? []) {
      this.histories.delete(curve.jobId);
      this.curves.set(curve.jobId, curve);
    }
    for (const cmd of out.commands) {
      if (cmd.type === 'savePoint') this.deps.onJobEvent?.({ type: 'done', jobId: cmd.job.id });
      if (cmd.type === 'saveJob' && cmd.job.status === 'done' && write.weights.some((w) => w.key === weightsKeyOf(cmd.job))) {
        this.deps.onJobEvent?.({ type: 'done', jobId: cmd.job.id });
      }
    }
    await this.sideEffects(out.commands);
    return true;
  }

  private writesOf(out: SchedulerOutput, create: boolean) {
    const run: RunRecord = { ...this.run, preset: out.state.config.preset, snapshot: snapshot(out.state),
      status: runStatusOf(out.state), updatedAt: this.deps.now() };
    return { ...stepWrites(out.commands, run, this.weights, this.deps.journal === true, this.histories), create };
  }

  /** Pauses the run on a failed write: keeps the unsaved event, stops the running jobs, says what to do. */
  private enterFault(message: string, entry: Held | null): void {
    if (entry) this.held.unshift(entry);
    if (this.fault !== null) return;
    this.fault = message;
    this.report([message]);
    for (const job of this.state.jobs) {
      if (job.status === 'running') this.jobs.cancel(job.id);
    }
  }

  private async sideEffects(commands: SchedulerCommand[]): Promise<void> {
    for (const cmd of commands) {
      if (cmd.type === 'runJob') this.launch(cmd.job);
      if (cmd.type === 'cancelJob') this.jobs.cancel(cmd.jobId);
    }
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step).catch((e: unknown) => this.report([`the search hit an error: ${describeError(e)}`]));
    this.queue = next.then(() => this.notify());
    return this.queue;
  }

  /** Starts a job on a worker; its end comes back as an event through the queue. */
  private launch(job: Job): void {
    void this.dispatch({ type: 'jobStarted', jobId: job.id, now: this.deps.now() });
    this.jobs.launch(job.id, () => this.runOnWorker(job), {
      done: (result) => this.dispatch({ type: 'jobDone', jobId: job.id, result, now: this.deps.now() }),
      // A job stopped on request goes back to the queue as it was; any other end is a failure (retried smaller).
      interrupted: () => this.dispatch({ type: 'jobInterrupted', jobId: job.id, now: this.deps.now() }),
      failed: (error) => this.dispatch({ type: 'jobFailed', jobId: job.id, error, now: this.deps.now() }),
    });
  }

  private async runOnWorker(job: Job): Promise<JobResult> {
    const request = await this.buildRequest(job);
    // User Timing marks for bench/engine/engine.ts (worker busy intervals, time to the first step after a reload).
    let started = false;
    try {
      const outcome = await this.jobs.run(request, { epoch: 0, epochs: 0, history: request.resume?.history ?? [] }, {
        onStart: () => {
          started = true;
          this.deps.onJobEvent?.({ type: 'start', jobId: job.id });
          performance.mark('petridish:job-start', { detail: job.id });
        },
        onProgress: (p) => firstStepMark(p),
        onCheckpoint: (c: WireCheckpoint) => this.saveCheckpoint(c),
      });
      this.lastLeak = outcome.tensorsAfter - outcome.tensorsBefore;
      if (this.lastLeak !== 0) this.report([`job ${job.id} left ${this.lastLeak} tensors behind in its worker`]);
      this.weights.set(weightsKeyOf(job), outcome.weights);
      this.histories.set(job.id, outcome.result.history);
      return { ...outcome.result, weightsKey: weightsKeyOf(job) };
    } finally {
      if (started) performance.mark('petridish:job-end', { detail: job.id });
    }
  }

  /**
   * Stores a running job's checkpoint. A failed write does not fail the job: the run pauses (the job stops and
   * later continues from its previous checkpoint), and the message says what was not saved.
   */
  private async saveCheckpoint(c: WireCheckpoint): Promise<void> {
    const where = c.position ? `epoch ${c.epoch + 1}, batch ${c.position.batch}` : `end of epoch ${c.epoch}`;
    const what = `the checkpoint of job ${c.jobId} (${where})`;
    try {
      await putCheckpoint(this.deps.db, { ...c, runId: this.run.id });
    } catch (e) {
      const message = await storageFaultMessage(e, what);
      void this.enqueue(async () => this.enterFault(message, null));
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
    if (this.deps.checkpointIntervalMs !== undefined) request.checkpointIntervalMs = this.deps.checkpointIntervalMs;
    if (this.deps.crashFirstJobAfterBatches !== undefined && !this.crashHookUsed) {
      this.crashHookUsed = true;
      request.crashAfterBatches = this.deps.crashFirstJobAfterBatches;
    }
    return request;
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

/** Marks the first training step the page hears of (bench/engine/engine.ts reads it). */
function firstStepMark(p: WorkerProgress): void {
  if (performance.getEntriesByName('petridish:first-step').length === 0) performance.mark('petridish:first-step', { detail: { jobId: p.jobId, batch: p.batch } });
}
