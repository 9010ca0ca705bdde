// A fake runtime for the scheduler tests: it carries out commands on a virtual clock and answers with
// deterministic fake results (a job's outcome depends only on the job), logging every event it feeds in.

import { insertCandidate, finalizeCandidate } from '../../../src/core/space/grow.ts';
import { deriveSeed } from '../../../src/core/rng.ts';
import { reduce } from '../../../src/core/scheduler/scheduler.ts';
import type { SchedulerConfig, SchedulerEvent, SchedulerOutput, SchedulerState } from '../../../src/core/scheduler/scheduler.ts';
import type { Job, JobResult } from '../../../src/core/search-types.ts';
import type { SearchPreset } from '../../../src/core/training/training-config.ts';

const RECIPE = {
  epochs: 1,
  batchSize: 16,
  lr: 0.025,
  minLr: 0.001,
  momentum: 0.9,
  weightDecay: 3e-4,
  gradClip: 5,
  cutout: 0,
  valFraction: 0.1,
};

/** 4 seeds (1 reduction, 3–4 cells, 1–2 nodes) on 8×8 single-channel images. */
export function testPreset(over: Partial<SearchPreset> = {}): SearchPreset {
  return {
    name: 'tiny',
    space: 'canonical',
    initNodeChannels: 4,
    stemMultiplier: 1,
    seedGrid: { reductions: [1, 1], cells: [3, 4], nodes: [1, 2] },
    seedTrain: RECIPE,
    search: RECIPE,
    postTrain: RECIPE,
    topK: 3,
    l1Alpha: 0.001,
    eps: 0.025,
    maxMadd: null,
    maxPoolSize: 20,
    maxSeconds: null,
    examplesPerClass: null,
    testExamples: null,
    seed: 7,
    ...over,
  };
}

export function testConfig(over: Partial<SchedulerConfig> = {}, preset: Partial<SearchPreset> = {}): SchedulerConfig {
  return {
    runId: 'run',
    strategy: 'petridish',
    preset: testPreset(preset),
    input: { height: 8, width: 8, channels: 1 },
    numClasses: 10,
    workers: 2,
    budgetMadd: null,
    ...over,
  };
}

function unit(...labels: (string | number)[]): number {
  return deriveSeed(0, ...labels) / 4294967296;
}

/** A search grows the description for real (grow.ts) with α derived from the job; accuracy from the desc. */
export function fakeResult(job: Job): JobResult {
  let desc = job.desc;
  let choices: JobResult['choices'] = null;
  if (job.kind === 'search') {
    const grown = insertCandidate(job.desc, job.desc.space);
    const alphas = (kind: 'normal' | 'reduction'): number[][] => {
      const node = grown.cells[kind].nodes.find((n) => n.kind === 'candidate');
      if (node?.kind !== 'candidate') throw new Error('fakeResult: no candidate was inserted');
      return node.inputs.map((_, j) => node.primitives.map((_, p) => unit(job.id, kind, j, p) - 0.5));
    };
    ({ desc, choices } = finalizeCandidate(grown, { normal: alphas('normal'), reduction: alphas('reduction') }, 3));
  }
  const text = JSON.stringify(desc);
  const bestValAcc = Math.min(0.99, 0.3 + 0.5 * unit(text, job.kind) + 0.02 * desc.cells.normal.nodes.length);
  const history = [{ epoch: 1, trainLoss: 1, trainAcc: bestValAcc, valLoss: 1, valAcc: bestValAcc, lr: 0.01, seconds: 1 }];
  const inheritance = { inherited: 0, fresh: 1 };
  return { jobId: job.id, desc, history, bestValAcc, choices, inheritance, weightsKey: `w-${job.id}-a${job.attempt}` };
}

export interface SimOptions {
  /** An error message to fail this try with, or null for success. */
  fail?: (job: Job) => string | null;
  /** The test accuracy a seed or post-training result reports (none when absent). */
  testAcc?: (job: Job) => number;
  /**
   * Every job finishes at its time even when told to cancel (as a job on a worker does when its last batch
   * ends before the cancellation reaches it): a late `jobDone`, never a cancellation answer.
   */
  finishDespiteCancel?: boolean;
}

/** Runs the reducer against a virtual worker pool, checking the dispatch invariants on every command. */
export class Sim {
  state: SchedulerState;
  now: number;
  readonly events: SchedulerEvent[] = [];
  readonly outputs: SchedulerOutput[] = [];
  maxRunning = 0;
  private readonly pending = new Map<string, { at: number; job: Job }>();
  /** Cancellation answers still to deliver: an interruption when the cancel came from a pause. */
  private readonly acks: { jobId: string; interrupted: boolean }[] = [];

  constructor(
    first: SchedulerOutput,
    now: number,
    private readonly opts: SimOptions = {},
  ) {
    this.state = first.state;
    this.now = now;
    this.apply(first);
  }

  feed(event: SchedulerEvent): SchedulerOutput {
    this.events.push(event);
    const out = reduce(this.state, event);
    this.state = out.state;
    this.apply(out);
    return out;
  }

  private apply(out: SchedulerOutput): void {
    this.outputs.push(out);
    for (const cmd of out.commands) {
      if (cmd.type === 'runJob') {
        if (this.pending.has(cmd.job.id)) throw new Error(`runJob for ${cmd.job.id}, which is already running`);
        const duration = 1000 + Math.floor(unit(cmd.job.id, cmd.job.attempt) * 9000);
        this.pending.set(cmd.job.id, { at: this.now + duration, job: cmd.job });
      } else if (cmd.type === 'cancelJob') {
        if (this.opts.finishDespiteCancel) continue;
        this.pending.delete(cmd.jobId);
        this.acks.push({ jobId: cmd.jobId, interrupted: out.state.status === 'paused' });
      }
    }
    this.maxRunning = Math.max(this.maxRunning, this.pending.size);
  }

  /** Delivers the next thing that happens: a cancellation answer, else the earliest job to finish. */
  step(): boolean {
    const ack = this.acks.shift();
    if (ack !== undefined) {
      if (ack.interrupted) this.feed({ type: 'jobInterrupted', jobId: ack.jobId, now: this.now });
      else this.feed({ type: 'jobFailed', jobId: ack.jobId, error: 'cancelled', now: this.now });
      return true;
    }
    const next = [...this.pending.values()].sort((a, b) => a.at - b.at || a.job.id.localeCompare(b.job.id))[0];
    if (next === undefined) return false;
    this.pending.delete(next.job.id);
    this.now = next.at;
    const error = this.opts.fail?.(next.job) ?? null;
    if (error !== null) this.feed({ type: 'jobFailed', jobId: next.job.id, error, now: this.now });
    else this.feed({ type: 'jobDone', jobId: next.job.id, result: this.result(next.job), now: this.now });
    return true;
  }

  private result(job: Job): JobResult {
    const r = fakeResult(job);
    const { testAcc } = this.opts;
    return testAcc && job.kind !== 'search' ? { ...r, testAcc: testAcc(job), testCount: 100, testSource: 'test' } : r;
  }

  runToEnd(maxSteps = 2000): void {
    for (let k = 0; k < maxSteps; k++) if (!this.step()) return;
    throw new Error(`Sim.runToEnd: still going after ${maxSteps} steps`);
  }

  running(): number {
    return this.pending.size;
  }
}
