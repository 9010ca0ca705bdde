// The search scheduler as a pure reducer, (state, event) → { state, commands }: time, ids and randomness come
// only from the state and the events, so a whole search replays in Node. See docs/scheduler.md.

import { createRng, deriveSeed } from '../rng.ts';
import { seedDescs } from '../space/seeds.ts';
import {
  addJob,
  advanceClock,
  checkStopRules,
  draftOf,
  endSearch,
  finish,
  jobIndex,
  putJob,
} from './draft.ts';
import type { Draft } from './draft.ts';
import { checkResult, makePoint, pointId, postTrainJobSpec } from './jobs.ts';
import { queueNext } from './next.ts';
import { checkConfig, maxAttemptsOf, maxFailuresOf } from './config.ts';
import type { SchedulerConfig, SchedulerEvent, SchedulerOutput, SchedulerState } from './types.ts';
import type { StopLimits } from './stop-rules.ts';
import type { Job, JobResult } from '../search-types.ts';

export type * from './types.ts';
export { restore, snapshot } from './snapshot.ts';
export { heldForPoolSize, pointsToCome } from './draft.ts';

/** A new run: every seed model of the preset is queued, and the first `workers` are dispatched. */
export function createScheduler(config: SchedulerConfig, now: number): SchedulerOutput {
  checkConfig(config);
  const initial: SchedulerState = {
    config,
    status: 'running',
    jobs: [],
    pool: [],
    queue: [],
    rng: createRng(deriveSeed(config.preset.seed, 'scheduler')).state(),
    nextJobNumber: 1,
    nextPointNumber: 1,
    elapsedSeconds: 0,
    clock: now,
    consecutiveFailures: 0,
    finishReason: null,
    endStatus: null,
    pendingChoices: {},
  };
  const d = draftOf(initial);
  for (const seed of seedDescs(config.preset, config.input, config.numClasses)) {
    addJob(d, { kind: 'seed_train', ...seed, parentPointId: null, initWeightsKey: null }, now);
  }
  return finish(d);
}

export function reduce(state: SchedulerState, event: SchedulerEvent): SchedulerOutput {
  const unchanged: SchedulerOutput = { state, commands: [] };
  if (event.type === 'continue') return continueRun(state, event.now, event.limits ?? {});
  if (state.status === 'finished' || state.status === 'stopped') return unchanged;
  if (event.type === 'jobStarted' || event.type === 'jobDone' || event.type === 'jobFailed' || event.type === 'jobInterrupted') {
    // Events of jobs that are no longer running (cancelled, or answered twice) are stale and change nothing.
    if (state.jobs[jobIndex(state, event.jobId)]?.status !== 'running') return unchanged;
  }
  if (event.type === 'pause' && state.status !== 'running') return unchanged;
  if (event.type === 'resume' && state.status !== 'paused') return unchanged;
  if (event.type === 'stop' && state.status === 'stopping') return unchanged;
  const d = draftOf(state);
  advanceClock(d, event.now);
  switch (event.type) {
    case 'jobDone':
      onDone(d, event.jobId, event.result, event.now);
      break;
    case 'jobFailed':
      onFailed(d, event.jobId, event.error, event.now);
      break;
    case 'jobInterrupted':
      onInterrupted(d, event.jobId);
      break;
    case 'pause':
      d.s.status = 'paused';
      // Pausing frees the GPU: running jobs stop at their next batch and come back as `jobInterrupted`.
      for (const job of d.s.jobs) if (job.status === 'running') d.cmds.push({ type: 'cancelJob', jobId: job.id });
      break;
    case 'resume':
      d.s.status = 'running';
      break;
    case 'stop':
      endSearch(d, 'stopped', 'stop: stopped by the user');
      break;
    case 'jobStarted':
    case 'tick':
      break;
  }
  return finish(d);
}

function onDone(d: Draft, id: string, result: JobResult, now: number): void {
  const index = jobIndex(d.s, id);
  const job: Job = { ...(d.s.jobs[index] as Job), status: 'done', error: null, inheritance: result.inheritance };
  checkResult(job, result);
  d.s.consecutiveFailures = 0;
  if (job.kind === 'search') {
    putJob(d, index, job);
    if (d.s.status === 'stopping') return;
    const post = addJob(d, postTrainJobSpec(job, result), now);
    d.s.pendingChoices[post.id] = result.choices;
    return;
  }
  putJob(d, index, job, false);
  const point = makePoint(pointId(d.s.config.runId, d.s.nextPointNumber), job, result, d.s.pendingChoices[id] ?? null, now);
  d.s.nextPointNumber += 1;
  delete d.s.pendingChoices[id];
  d.s.pool.push(point);
  d.cmds.push({ type: 'savePoint', point, job });
  if (d.s.status === 'stopping') return;
  if (!checkStopRules(d)) queueNext(d, now);
}

function onFailed(d: Draft, id: string, error: string, now: number): void {
  const index = jobIndex(d.s, id);
  const job = d.s.jobs[index] as Job;
  if (d.s.status === 'stopping') {
    putJob(d, index, { ...job, status: 'cancelled', error });
    delete d.s.pendingChoices[id];
    return;
  }
  if (job.attempt < maxAttemptsOf(d.s.config)) {
    putJob(d, index, { ...job, status: 'queued', attempt: job.attempt + 1, batchSizeScale: job.batchSizeScale / 2, error });
    d.s.queue.push(id);
    return;
  }
  putJob(d, index, { ...job, status: 'failed', error });
  delete d.s.pendingChoices[id];
  d.s.consecutiveFailures += 1;
  const limit = maxFailuresOf(d.s.config);
  if (d.s.consecutiveFailures >= limit) {
    endSearch(d, 'finished', `tooManyFailures: ${limit} jobs in a row failed; the last (${id}): ${error}`);
    return;
  }
  // The replacement keeps the population from shrinking; for Petridish it needs a parent in the pool.
  queueNext(d, now);
}

/** A job stopped on request goes back to the front of the queue as it was (same attempt and batch size). */
function onInterrupted(d: Draft, id: string): void {
  const index = jobIndex(d.s, id);
  const job = d.s.jobs[index] as Job;
  if (d.s.status === 'stopping') {
    putJob(d, index, { ...job, status: 'cancelled' });
    delete d.s.pendingChoices[id];
    return;
  }
  putJob(d, index, { ...job, status: 'queued' });
  d.s.queue.unshift(id);
}

/**
 * Leaves `finished` / `stopped` for `running`: new stop limits, the cancelled jobs queued again (same id and
 * attempt), then follow-up jobs until as many jobs are queued as the run has seeds. A run whose (new) stop
 * rules are already met ends again at once with the rule's reason. Any other status: unchanged.
 */
function continueRun(state: SchedulerState, now: number, limits: Partial<StopLimits>): SchedulerOutput {
  if (state.status !== 'finished' && state.status !== 'stopped') return { state, commands: [] };
  const d = draftOf(state);
  const config = { ...state.config, preset: { ...state.config.preset, ...limits } };
  checkConfig(config);
  d.s.config = config;
  d.s.clock = now;
  d.s.status = 'running';
  d.s.endStatus = null;
  d.s.finishReason = null;
  d.s.consecutiveFailures = 0;
  d.s.jobs.forEach((job, index) => {
    if (job.status !== 'cancelled') return;
    putJob(d, index, { ...job, status: 'queued', error: null });
    d.s.queue.push(job.id);
  });
  const population = seedDescs(config.preset, config.input, config.numClasses).length;
  while (d.s.queue.length < population && !checkStopRules(d)) {
    if (queueNext(d, now) === null) break;
  }
  return finish(d);
}
