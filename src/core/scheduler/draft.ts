// The reducer's working copy (a shallow copy of the state whose lists may be edited in place; their elements
// are replaced, never mutated, plus the commands collected for one event) and the steps every event shares.

import { createRngFromState } from '../rng.ts';
import type { Rng } from '../rng.ts';
import { jobId, makeJob } from './jobs.ts';
import type { NewJob } from './jobs.ts';
import type { EndStatus, SchedulerCommand, SchedulerOutput, SchedulerState } from './types.ts';
import { stopReason } from './stop-rules.ts';
import type { Job } from '../search-types.ts';

export interface Draft {
  s: SchedulerState;
  cmds: SchedulerCommand[];
}

export function draftOf(state: SchedulerState): Draft {
  const s: SchedulerState = {
    ...state,
    jobs: state.jobs.slice(),
    pool: state.pool.slice(),
    queue: state.queue.slice(),
    pendingChoices: { ...state.pendingChoices },
  };
  return { s, cmds: [] };
}

/** Moves the clock to `now`; only time spent running counts towards `elapsedSeconds`. */
export function advanceClock(d: Draft, now: number): void {
  if (!Number.isFinite(now)) throw new RangeError(`scheduler event: now must be a finite time in ms, got ${now}`);
  if (d.s.status === 'running') d.s.elapsedSeconds += Math.max(0, now - d.s.clock) / 1000;
  // A clock that went backwards restarts the measurement rather than counting negative time.
  d.s.clock = now;
}

export function jobIndex(s: SchedulerState, id: string): number {
  const i = s.jobs.findIndex((j) => j.id === id);
  if (i < 0) throw new Error(`scheduler: unknown jobId ${JSON.stringify(id)} in run ${s.config.runId}`);
  return i;
}

export function putJob(d: Draft, index: number, job: Job, save = true): void {
  d.s.jobs[index] = job;
  if (save) d.cmds.push({ type: 'saveJob', job });
}

export function addJob(d: Draft, spec: NewJob, now: number): Job {
  const job = makeJob(jobId(d.s.config.runId, d.s.nextJobNumber), spec, now);
  d.s.nextJobNumber += 1;
  d.s.jobs.push(job);
  d.s.queue.push(job.id);
  d.cmds.push({ type: 'saveJob', job });
  return job;
}

/** Runs `fn` with a generator continuing the state's stream, then stores the advanced stream. */
export function withRng<T>(d: Draft, fn: (rng: Rng) => T): T {
  const rng = createRngFromState(d.s.rng);
  const out = fn(rng);
  d.s.rng = rng.state();
  return out;
}

export function runningCount(s: SchedulerState): number {
  return s.jobs.reduce((n, j) => n + (j.status === 'running' ? 1 : 0), 0);
}

/**
 * Pool points the jobs in flight will still add: each running job (a seed or post-training adds its point,
 * a search adds one through its post-training) and each queued post-training (its search is done).
 */
export function pointsToCome(s: SchedulerState): number {
  return s.jobs.reduce((n, j) => n + (j.status === 'running' || (j.status === 'queued' && j.kind === 'post_train') ? 1 : 0), 0);
}

/**
 * How many more jobs may start that each add a pool point of their own before the pool would pass
 * `maxPoolSize`, counting the points the jobs in flight will still add; Infinity without a pool-size limit.
 */
export function poolRoom(s: SchedulerState): number {
  const max = s.config.preset.maxPoolSize;
  return max === null ? Infinity : Math.max(0, max - s.pool.length - pointsToCome(s));
}

/**
 * Queued jobs held back by the pool-size limit: seeds and searches that wait while the jobs in flight would
 * already fill the pool. They run if a job in flight fails for good, or after `continue` with a larger limit.
 */
export function heldForPoolSize(s: SchedulerState): number {
  if (poolRoom(s) > 0) return 0;
  return s.queue.reduce((n, id) => n + (s.jobs[jobIndex(s, id)]?.kind === 'post_train' ? 0 : 1), 0);
}

/**
 * Starts queued jobs in queue order while fewer than `workers` run; only while the search is running. A seed
 * or search starts only while `poolRoom` is left, so jobs that end after the pool-size rule fired can never
 * push the pool past `maxPoolSize` (with one worker, and with several); a queued post-training always may
 * start, as its point is already counted.
 */
export function dispatch(d: Draft): void {
  if (d.s.status !== 'running') return;
  let running = runningCount(d.s);
  while (running < d.s.config.workers) {
    const room = poolRoom(d.s);
    const at = d.s.queue.findIndex((id) => room > 0 || d.s.jobs[jobIndex(d.s, id)]?.kind === 'post_train');
    if (at < 0) break;
    const id = d.s.queue.splice(at, 1)[0] as string;
    const index = jobIndex(d.s, id);
    const job: Job = { ...(d.s.jobs[index] as Job), status: 'running' };
    putJob(d, index, job, false);
    d.cmds.push({ type: 'runJob', job });
    running += 1;
  }
}

/** Ends the search: queued jobs are dropped, running ones told to cancel, and we wait for their answers. */
export function endSearch(d: Draft, endStatus: EndStatus, reason: string): void {
  if (d.s.endStatus !== null) return;
  d.s.endStatus = endStatus;
  d.s.finishReason = reason;
  for (const id of d.s.queue) {
    const index = jobIndex(d.s, id);
    putJob(d, index, { ...(d.s.jobs[index] as Job), status: 'cancelled' });
    delete d.s.pendingChoices[id];
  }
  d.s.queue = [];
  for (const job of d.s.jobs) if (job.status === 'running') d.cmds.push({ type: 'cancelJob', jobId: job.id });
  d.s.status = 'stopping';
  settle(d);
}

/** Leaves `stopping` for the final status once no job is running any more. */
export function settle(d: Draft): void {
  if (d.s.status !== 'stopping' || d.s.endStatus === null || runningCount(d.s) > 0) return;
  d.s.status = d.s.endStatus;
  d.cmds.push({ type: 'finished', reason: d.s.finishReason ?? d.s.endStatus });
}

/** Checks the stop rules, guards against an empty search, dispatches and asks for the state to be saved. */
export function finish(d: Draft): SchedulerOutput {
  if (d.s.status === 'running' || d.s.status === 'paused') checkEnd(d);
  settle(d);
  dispatch(d);
  d.cmds.push({ type: 'saveRunState' });
  return { state: d.s, commands: d.cmds };
}

/** Ends the search if a stop rule is reached; says whether it did. */
export function checkStopRules(d: Draft): boolean {
  const reason = stopReason(d.s.config.preset, d.s.pool, d.s.elapsedSeconds);
  if (reason !== null) endSearch(d, 'finished', reason);
  return reason !== null;
}

function checkEnd(d: Draft): void {
  if (checkStopRules(d)) return;
  if (!d.s.jobs.some((j) => j.status === 'queued' || j.status === 'running')) {
    const n = d.s.pool.length;
    endSearch(d, 'finished', n === 0
      ? 'noJobs: no job is queued or running, and an empty pool has no parent to grow'
      : `noJobs: no job is queued or running to grow the pool's ${n} point${n === 1 ? '' : 's'}`);
  }
}
