// The headless search loop: drives the same scheduler reducer as the app, with an in-memory runner instead of
// IndexedDB (weights kept in a Map). With one worker the jobs run one at a time on the main thread; with N ≥ 2
// they run N at a time on trainer threads (thread-pool.ts), as the scheduler hands them out. Records per job
// its timing, the thread that ran it and the TF.js memory before and after (what the memory benchmark reads).

import * as tf from '@tensorflow/tfjs';
import { buildFrontierExport, type FrontierExport } from '../core/export/format.ts';
import { createScheduler, reduce } from '../core/scheduler/scheduler.ts';
import type { SchedulerConfig, SchedulerEvent, SchedulerOutput, SchedulerState, SearchStrategy } from '../core/scheduler/types.ts';
import type { Job, JobResult } from '../core/search-types.ts';
import type { SearchPreset } from '../core/training/training-config.ts';
import type { NamedWeights } from '../core/weights.ts';
import { summarizeDataset, type Dataset } from '../data/dataset.ts';
import { JobCancelledError } from '../ml/errors.ts';
import { runJob } from '../ml/train/run-job.ts';
import type { TrainProgress } from '../ml/train/train.ts';
import { weightsKeyOf } from '../core/scheduler/jobs.ts';
import type { CliBackend } from './args.ts';
import { ThreadPool, type ThreadSummary } from './thread-pool.ts';
import type { ThreadMemory } from './thread-protocol.ts';

export interface JobRecord {
  jobId: string;
  kind: Job['kind'];
  /** `cancelled`: stopped at a batch because the search ended (the budget) while it ran. */
  outcome: 'done' | 'failed' | 'cancelled';
  error: string | null;
  /** Where it ran: `main` (one worker) or the trainer thread's name (`trainer-1` …). */
  thread: string;
  startedAt: number;
  endedAt: number;
  /** TF.js memory of the thread that ran the job, before and after it. */
  tensorsBefore: number;
  tensorsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
}

export interface HeadlessSearchOptions {
  dataset: Dataset;
  preset: SearchPreset;
  strategy: SearchStrategy;
  runId?: string;
  runName?: string;
  budgetMadd?: number | null;
  appVersion?: string;
  /** Jobs run at once (default 1: on the main thread; ≥ 2: on that many trainer threads). */
  workers?: number;
  /** The backend the trainer threads select (default 'cpu'); the main thread's is the caller's. */
  backend?: CliBackend;
  /**
   * Milliseconds between clock ticks sent to the scheduler while jobs run, so a time limit (maxSeconds) ends
   * the search on time and cancels the running jobs at their next batch, as the page does. Default: none (the
   * stop rules are checked when a job ends; replays with an injected clock stay deterministic).
   */
  tickMs?: number | null;
  now?: () => number;
  /** Test hook: the first job sent to a trainer thread crashes it (an uncaught error) after this many batches. */
  crashFirstJobAfterBatches?: number;
  onJobStart?: (job: Job, state: SchedulerState) => void;
  onJobEnd?: (record: JobRecord, state: SchedulerState) => void;
  onProgress?: (job: Job, p: TrainProgress) => void;
}

export interface HeadlessSearchResult {
  state: SchedulerState;
  frontier: FrontierExport;
  jobs: JobRecord[];
  /** Trained weights by weights key (every finished job's). */
  weights: Map<string, NamedWeights>;
  /** The trainer threads (empty with one worker), each exited by the time the search returns. */
  threads: ThreadSummary[];
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

interface Executed {
  result: Omit<JobResult, 'weightsKey'>;
  weights: NamedWeights;
  memory: ThreadMemory;
  thread: string;
}

/** Memory and thread a failed job reports (a trainer thread's failure carries its own). */
function failureInfo(e: unknown, fallback: { memory: ThreadMemory; thread: string }): { memory: ThreadMemory; thread: string } {
  const x = e as { memory?: ThreadMemory; thread?: string } | null;
  return { memory: x?.memory ?? fallback.memory, thread: x?.thread ?? fallback.thread };
}

class InMemoryRun {
  state!: SchedulerState;
  readonly weights = new Map<string, NamedWeights>();
  readonly jobs: JobRecord[] = [];
  /** The jobs in flight, each ending with its scheduler event applied. */
  readonly inflight = new Map<string, Promise<void>>();
  private readonly cancelling = new Set<string>();
  private crashHookUsed = false;
  private lastTick = -Infinity;

  constructor(private readonly opts: HeadlessSearchOptions, private readonly now: () => number, private readonly pool: ThreadPool | null) {}

  apply(out: SchedulerOutput): void {
    this.state = out.state;
    for (const cmd of out.commands) {
      if (cmd.type === 'runJob') this.start(cmd.job);
      if (cmd.type === 'cancelJob') {
        this.cancelling.add(cmd.jobId);
        this.pool?.cancel(cmd.jobId);
      }
    }
  }

  event(e: SchedulerEvent): void {
    this.apply(reduce(this.state, e));
  }

  /** Sends the scheduler a clock tick when `tickMs` have passed since the last (no ticks without tickMs). */
  tick(): void {
    const every = this.opts.tickMs;
    if (!every || this.state.status !== 'running') return;
    const t = this.now();
    if (t - this.lastTick < every) return;
    this.lastTick = t;
    this.event({ type: 'tick', now: t });
  }

  private start(job: Job): void {
    // A retry has the failed job's id and starts inside the failed run's own end (its jobFailed event): only
    // the run that is still the map's entry may remove it, or the retry would no longer be waited for.
    const p: Promise<void> = this.runOne(job).finally(() => {
      if (this.inflight.get(job.id) === p) this.inflight.delete(job.id);
    });
    this.inflight.set(job.id, p);
  }

  private async execute(job: Job, initWeights: NamedWeights | null): Promise<Executed> {
    const onProgress = (p: TrainProgress): void => this.opts.onProgress?.(job, p);
    if (this.pool) {
      const crash = this.opts.crashFirstJobAfterBatches !== undefined && !this.crashHookUsed ? this.opts.crashFirstJobAfterBatches : undefined;
      this.crashHookUsed = true;
      return this.pool.run(job, initWeights, initWeights ? job.desc : null, onProgress, crash);
    }
    const before = tf.memory();
    // The job never yields to the event loop on the cpu backend, so the clock ticks are sent from its batches.
    const out = await runJob({ job, preset: this.opts.preset, dataset: this.opts.dataset, initWeights, parentDesc: initWeights ? job.desc : null,
      shouldStop: () => {
        this.tick();
        return this.cancelling.has(job.id);
      }, onProgress });
    const after = tf.memory();
    return { ...out, thread: 'main',
      memory: { tensorsBefore: before.numTensors, tensorsAfter: after.numTensors, bytesBefore: before.numBytes, bytesAfter: after.numBytes } };
  }

  private async runOne(job: Job): Promise<void> {
    // A microtask later, so the reducer call that dispatched the job has returned and its state is current.
    await Promise.resolve();
    this.event({ type: 'jobStarted', jobId: job.id, now: this.now() });
    this.opts.onJobStart?.(job, this.state);
    const before = tf.memory();
    const startedAt = this.now();
    let executed: Executed | null = null;
    let failure: { memory: ThreadMemory; thread: string } | null = null;
    let error: string | null = null;
    let cancelled = false;
    try {
      const initWeights = job.initWeightsKey ? this.weights.get(job.initWeightsKey) : null;
      if (job.initWeightsKey && !initWeights) throw new Error(`weights "${job.initWeightsKey}" are not in memory`);
      executed = await this.execute(job, initWeights ?? null);
      this.weights.set(weightsKeyOf(job), executed.weights);
    } catch (e) {
      cancelled = e instanceof JobCancelledError && this.cancelling.has(job.id);
      error = errorText(e);
      const after = tf.memory();
      failure = failureInfo(e, { thread: this.pool ? 'none' : 'main',
        memory: { tensorsBefore: before.numTensors, tensorsAfter: after.numTensors, bytesBefore: before.numBytes, bytesAfter: after.numBytes } });
    }
    this.cancelling.delete(job.id);
    const info = executed ?? failure;
    if (!info) throw new Error(`job ${job.id}: neither a result nor a failure`);
    const record: JobRecord = { jobId: job.id, kind: job.kind, outcome: executed ? 'done' : cancelled ? 'cancelled' : 'failed', error,
      thread: info.thread, startedAt, endedAt: this.now(), ...info.memory };
    this.jobs.push(record);
    const now = this.now();
    if (executed) this.event({ type: 'jobDone', jobId: job.id, result: { ...executed.result, weightsKey: weightsKeyOf(job) }, now });
    else if (cancelled) this.event({ type: 'jobInterrupted', jobId: job.id, now });
    else this.event({ type: 'jobFailed', jobId: job.id, error: error ?? '', now });
    this.opts.onJobEnd?.(record, this.state);
  }
}

/**
 * Runs a whole search to its stop rule; if the scheduler is left with nothing to run, the search is stopped.
 * With `workers` ≥ 2 the trainer threads are shut down (and have exited) before it returns, also on error.
 * Throws RangeError on a `workers` that is not an integer ≥ 1.
 */
export async function runHeadlessSearch(opts: HeadlessSearchOptions): Promise<HeadlessSearchResult> {
  const now = opts.now ?? Date.now;
  const { dataset, preset, strategy } = opts;
  const workers = opts.workers ?? 1;
  if (!(Number.isInteger(workers) && workers >= 1)) throw new RangeError(`runHeadlessSearch: workers must be an integer ≥ 1, got ${workers}`);
  const runId = opts.runId ?? `cli-${strategy}-${preset.seed}`;
  const config: SchedulerConfig = { runId, strategy, preset, input: { ...dataset.shape }, numClasses: dataset.numClasses,
    workers, budgetMadd: opts.budgetMadd ?? null };
  const createdAt = now();
  const pool = workers > 1 ? new ThreadPool(workers, { backend: opts.backend ?? 'cpu', preset, dataset }) : null;
  const run = new InMemoryRun(opts, now, pool);
  const timer = opts.tickMs ? setInterval(() => run.tick(), opts.tickMs) : null;
  try {
    run.apply(createScheduler(config, createdAt));
    while (run.inflight.size > 0) await Promise.race(run.inflight.values());
  } finally {
    if (timer) clearInterval(timer);
    await pool?.close();
  }
  if (run.state.status === 'running' || run.state.status === 'paused') run.event({ type: 'stop', now: now() });
  const status = run.state.status === 'stopped' || run.state.status === 'stopping' ? 'stopped' : 'finished';
  const frontier = buildFrontierExport({
    run: { id: runId, name: opts.runName ?? `${strategy} on ${dataset.name}`, createdAt, status, strategy, preset,
      dataset: summarizeDataset(dataset), budgetMadd: config.budgetMadd, workers },
    points: run.state.pool,
    exportedAt: now(),
    appVersion: opts.appVersion ?? 'cli',
  });
  return { state: run.state, frontier, jobs: run.jobs, weights: run.weights, threads: pool ? [...pool.threads] : [] };
}
