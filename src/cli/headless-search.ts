// The headless search loop: drives the same scheduler reducer as the app, with an in-memory runner instead of
// IndexedDB and workers (jobs one at a time, weights kept in a Map), and records per job its timing and the
// TF.js memory before and after (what the memory benchmark reads).

import * as tf from '@tensorflow/tfjs';
import { buildFrontierExport, type FrontierExport } from '../core/export/format.ts';
import { createScheduler, reduce } from '../core/scheduler/scheduler.ts';
import type { SchedulerConfig, SchedulerOutput, SchedulerState, SearchStrategy } from '../core/scheduler/types.ts';
import type { Job, JobResult } from '../core/search-types.ts';
import type { SearchPreset } from '../core/training/training-config.ts';
import type { NamedWeights } from '../core/weights.ts';
import { summarizeDataset, type Dataset } from '../data/dataset.ts';
import { runJob } from '../ml/train/run-job.ts';
import type { TrainProgress } from '../ml/train/train.ts';
import { weightsKeyOf } from '../core/scheduler/jobs.ts';

export interface JobRecord {
  jobId: string;
  kind: Job['kind'];
  outcome: 'done' | 'failed';
  error: string | null;
  startedAt: number;
  endedAt: number;
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
  now?: () => number;
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
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

class InMemoryRun {
  state!: SchedulerState;
  readonly queue: Job[] = [];
  readonly weights = new Map<string, NamedWeights>();
  readonly jobs: JobRecord[] = [];

  constructor(private readonly opts: HeadlessSearchOptions, private readonly now: () => number) {}

  apply(out: SchedulerOutput): void {
    this.state = out.state;
    for (const cmd of out.commands) if (cmd.type === 'runJob') this.queue.push(cmd.job);
  }

  async runOne(job: Job): Promise<void> {
    const { dataset, preset } = this.opts;
    this.apply(reduce(this.state, { type: 'jobStarted', jobId: job.id, now: this.now() }));
    this.opts.onJobStart?.(job, this.state);
    const before = tf.memory();
    const startedAt = this.now();
    let result: JobResult | null = null;
    let error: string | null = null;
    try {
      const initWeights = job.initWeightsKey ? this.weights.get(job.initWeightsKey) : null;
      if (job.initWeightsKey && !initWeights) throw new Error(`weights "${job.initWeightsKey}" are not in memory`);
      const out = await runJob({ job, preset, dataset, initWeights: initWeights ?? null, parentDesc: initWeights ? job.desc : null,
        onProgress: (p) => this.opts.onProgress?.(job, p) });
      this.weights.set(weightsKeyOf(job), out.weights);
      result = { ...out.result, weightsKey: weightsKeyOf(job) };
    } catch (e) {
      error = errorText(e);
    }
    const after = tf.memory();
    const record: JobRecord = { jobId: job.id, kind: job.kind, outcome: result ? 'done' : 'failed', error, startedAt,
      endedAt: this.now(), tensorsBefore: before.numTensors, tensorsAfter: after.numTensors, bytesBefore: before.numBytes,
      bytesAfter: after.numBytes };
    this.jobs.push(record);
    const now = this.now();
    this.apply(reduce(this.state, result ? { type: 'jobDone', jobId: job.id, result, now } : { type: 'jobFailed', jobId: job.id, error: error ?? '', now }));
    this.opts.onJobEnd?.(record, this.state);
  }
}

/** Runs a whole search to its stop rule; if the scheduler is left with nothing to run, the search is stopped. */
export async function runHeadlessSearch(opts: HeadlessSearchOptions): Promise<HeadlessSearchResult> {
  const now = opts.now ?? Date.now;
  const { dataset, preset, strategy } = opts;
  const runId = opts.runId ?? `cli-${strategy}-${preset.seed}`;
  const config: SchedulerConfig = { runId, strategy, preset, input: { ...dataset.shape }, numClasses: dataset.numClasses,
    workers: 1, budgetMadd: opts.budgetMadd ?? null };
  const createdAt = now();
  const run = new InMemoryRun(opts, now);
  run.apply(createScheduler(config, createdAt));
  for (let job = run.queue.shift(); job; job = run.queue.shift()) await run.runOne(job);
  if (run.state.status === 'running' || run.state.status === 'paused') run.apply(reduce(run.state, { type: 'stop', now: now() }));
  const status = run.state.status === 'stopped' || run.state.status === 'stopping' ? 'stopped' : 'finished';
  const frontier = buildFrontierExport({
    run: { id: runId, name: opts.runName ?? `${strategy} on ${dataset.name}`, createdAt, status, strategy, preset,
      dataset: summarizeDataset(dataset), budgetMadd: config.budgetMadd, workers: 1 },
    points: run.state.pool,
    exportedAt: now(),
    appVersion: opts.appVersion ?? 'cli',
  });
  return { state: run.state, frontier, jobs: run.jobs, weights: run.weights };
}
