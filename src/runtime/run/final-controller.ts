// Drives a run's final trainings: feeds events to the pure final-training reducer (core/final/final-queue.ts),
// writes each step's records in ONE transaction (the trainings it changed, a finished one's weights, the
// checkpoints of ended ones) and only then carries out the step's side effects (start or stop a job), as the
// search's RunController does. Jobs run on the same worker pool as the search (progress, checkpoints, resume
// after a reload, pause). Independent of the search: a final training runs whether the search is running,
// paused or finished, and its result never reaches the pool. A step that cannot be saved changes nothing
// stored; a training whose end it recorded is paused here (its last checkpoint kept) and the message says
// what was not saved and what to do.
import { createFinalQueue, reduceFinal, restoreFinalQueue, type FinalCommand, type FinalEvent, type FinalOutput, type FinalQueueState } from '../../core/final/final-queue.ts';
import { finalSpecWith, type FinalChoices } from '../../core/final/final-spec.ts';
import { finalId, finalWeightsKey, type FinalTraining } from '../../core/final/final-types.ts';
import type { Job, PoolPoint } from '../../core/search-types.ts';
import type { NamedWeights } from '../../core/weights.ts';
import { getCheckpoint, putCheckpoint } from '../../persistence/repositories/checkpoint-repo.ts';
import type { PetridishDb } from '../../persistence/database/db.ts';
import { commitFinalStep, listFinals, type FinalStepCommit } from '../../persistence/repositories/final-repo.ts';
import type { RunRecord } from '../../persistence/database/records.ts';
import type { WireCheckpoint, WorkerJobRequest } from '../../shared/worker-api.ts';
import { describeError } from '../describe-error.ts';
import type { JobRunner, LiveJob } from './run-types.ts';
import { storageFaultMessage } from './step-writes.ts';
import { WorkerJobs } from '../workers/worker-jobs.ts';

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
  private problems: string[] = [];
  private readonly jobs: WorkerJobs;

  private constructor(private readonly deps: FinalDeps, private readonly run: RunRecord, private state: FinalQueueState) {
    this.jobs = new WorkerJobs(deps.runner, deps.now, () => this.notify());
  }

  /** Reads the run's final trainings back; one that was running continues from its last checkpoint. */
  static async open(deps: FinalDeps, run: RunRecord): Promise<FinalController> {
    const stored = await listFinals(deps.db, run.id);
    let c: FinalController;
    try {
      const out = restoreFinalQueue(run.id, stored.records);
      c = new FinalController(deps, run, out.state);
      c.report(stored.problems.map((p) => `${p.store} ${p.key}: ${p.message} (skipped)`));
      await c.enqueue(() => c.apply(out, null));
    } catch (e) {
      c = new FinalController(deps, run, createFinalQueue(run.id));
      c.report([`the final trainings of run ${run.id} could not be restored: ${describeError(e)}`]);
    }
    return c;
  }

  get view(): FinalView {
    return { trainings: this.state.trainings, live: this.jobs.live, problems: this.problems };
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
    return this.enqueue(() => this.apply(reduceFinal(this.state, event), event));
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step).catch((e: unknown) => this.report([`a final training hit an error: ${describeError(e)}`]));
    this.queue = next.then(() => this.notify());
    return this.queue;
  }

  /**
   * Writes the step's records in one transaction and, once they are saved, takes its state and starts or
   * stops its jobs. When the write fails nothing of the step is applied; a training whose end the step
   * recorded waits, paused, for a resume (it continues from its last stored checkpoint).
   */
  private async apply(out: FinalOutput, event: FinalEvent | null): Promise<void> {
    if (out.state === this.state && out.commands.length === 0) return;
    const { step, what } = this.writesOf(out.commands);
    try {
      await commitFinalStep(this.deps.db, this.run.id, step, what);
    } catch (e) {
      // Trainings left with no job: the one whose end the step recorded, or (a reopen) those it would restart.
      const waiting = event === null
        ? out.commands.flatMap((c) => (c.type === 'runJob' ? [c.job.id] : []))
        : event.type === 'done' || event.type === 'failed' || event.type === 'interrupted' ? [event.id] : [];
      for (const id of waiting) {
        this.state = pausedHere(this.state, id);
        this.weights.delete(finalWeightsKey(id));
      }
      const then = waiting.length > 0
        ? `Final training ${waiting.join(', ')} is paused here; its last checkpoint is kept, and Resume continues it from there.`
        : 'Nothing of this change was applied.';
      this.report([await storageFaultMessage(e, what, then)]);
      return;
    }
    this.state = out.state;
    for (const { key } of step.weights) this.weights.delete(key);
    for (const cmd of out.commands) {
      if (cmd.type === 'runJob') this.launch(cmd.job);
      if (cmd.type === 'cancelJob') this.jobs.cancel(cmd.jobId);
    }
  }

  /** The records of a step's `saveFinal` commands (the last one of a training wins), for one transaction. */
  private writesOf(commands: readonly FinalCommand[]): { step: FinalStepCommit; what: string } {
    const finals = new Map<string, FinalTraining>();
    for (const cmd of commands) if (cmd.type === 'saveFinal') finals.set(cmd.training.id, cmd.training);
    const step: FinalStepCommit = { finals: [], weights: [], dropCheckpoints: [] };
    const what: string[] = [];
    for (const t of finals.values()) {
      step.finals.push({ ...t, runId: this.run.id });
      if (t.status === 'done' && t.result) {
        const weights = this.weights.get(t.result.weightsKey);
        if (!weights) throw new Error(`no weights in hand for finished final training ${t.id}`);
        step.weights.push({ key: t.result.weightsKey, weights });
        what.push(`the result of final training ${t.id} (its test accuracy and weights)`);
      } else what.push(`final training ${t.id} (${t.status})`);
      if (t.status === 'done' || t.status === 'failed' || t.status === 'cancelled') step.dropCheckpoints.push(t.id);
    }
    return { step, what: what.join(', ') || 'the final trainings' };
  }

  private launch(job: Job): void {
    this.jobs.launch(job.id, () => this.runOnWorker(job), {
      done: ({ result, test }) => this.dispatch({ type: 'done', id: job.id, result, test, now: this.deps.now() }),
      interrupted: () => this.dispatch({ type: 'interrupted', id: job.id, now: this.deps.now() }),
      failed: (error) => this.dispatch({ type: 'failed', id: job.id, error, now: this.deps.now() }),
    });
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
    const start = { epoch: request.resume?.epoch ?? 0, epochs: job.final?.recipe.epochs ?? 0, history: request.resume?.history ?? [] };
    const outcome = await this.jobs.run(request, start, {
      onCheckpoint: async (c: WireCheckpoint) => {
        await putCheckpoint(db, { ...c, runId: this.run.id });
      },
    });
    const leak = outcome.tensorsAfter - outcome.tensorsBefore;
    if (leak !== 0) this.report([`final training ${job.id} left ${leak} tensors behind in its worker`]);
    if (!outcome.finalTest) throw new Error(`final training ${job.id}: the worker returned no test accuracy`);
    const weightsKey = finalWeightsKey(job.id);
    this.weights.set(weightsKey, outcome.weights);
    return { result: { ...outcome.result, weightsKey }, test: outcome.finalTest };
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

/** `state` with training `id` paused in memory only (its stored record still says running; a reload continues it). */
function pausedHere(state: FinalQueueState, id: string): FinalQueueState {
  const { [id]: _stopping, ...stopping } = state.stopping;
  return { ...state, stopping, trainings: state.trainings.map((t) => (t.id === id ? { ...t, status: 'paused' } : t)) };
}
