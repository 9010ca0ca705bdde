// Persisting and resuming a run: the small JSON snapshot, and the state rebuilt from it plus the stored jobs
// and pool points (Archai lost its in-flight jobs and then spun forever, §8.1).

import { checkConfig } from './scheduler-config.ts';
import { draftOf, finish, putJob } from './scheduler-draft.ts';
import type { Draft } from './scheduler-draft.ts';
import type { RunSnapshot, SchedulerConfig, SchedulerOutput, SchedulerState } from './scheduler-types.ts';
import type { Job, PoolPoint } from './search-types.ts';

export function snapshot(state: SchedulerState): RunSnapshot {
  return {
    version: 1,
    runId: state.config.runId,
    status: state.status,
    queue: state.queue.slice(),
    rng: state.rng.slice(),
    nextJobNumber: state.nextJobNumber,
    nextPointNumber: state.nextPointNumber,
    elapsedSeconds: state.elapsedSeconds,
    consecutiveFailures: state.consecutiveFailures,
    finishReason: state.finishReason,
    endStatus: state.endStatus,
    pendingChoices: { ...state.pendingChoices },
  };
}

/** The counter in an id `${runId}-j0012` / `${runId}-p0003`; throws for ids of another run. */
function idNumber(id: string, runId: string, letter: 'j' | 'p', what: string): number {
  const prefix = `${runId}-${letter}`;
  const n = Number(id.slice(prefix.length));
  if (!id.startsWith(prefix) || !Number.isInteger(n) || n < 1) {
    throw new Error(`restore: ${what} id ${JSON.stringify(id)} is not of the form ${prefix}NNNN`);
  }
  return n;
}

function byNumber<T extends { id: string }>(xs: readonly T[], runId: string, letter: 'j' | 'p', what: string): T[] {
  const keyed = xs.map((x) => ({ x, n: idNumber(x.id, runId, letter, what) }));
  return keyed.sort((a, b) => a.n - b.n).map((k) => k.x);
}

function checkSnapshot(config: SchedulerConfig, snap: RunSnapshot): void {
  if (snap.version !== 1) throw new Error(`restore: snapshot.version must be 1, got ${String(snap.version)}`);
  if (snap.runId !== config.runId) {
    throw new Error(`restore: snapshot.runId ${JSON.stringify(snap.runId)} does not match config.runId ${JSON.stringify(config.runId)}`);
  }
}

/**
 * Rebuilds a run after a reload. Jobs that were running go back to the front of the queue (the runtime resumes
 * them from their epoch checkpoint), finished jobs are never redone, and dispatch resumes unless paused.
 * Counters never fall behind the stored records, so a snapshot older than its jobs cannot reuse an id.
 */
export function restore(
  config: SchedulerConfig,
  snap: RunSnapshot,
  jobs: readonly Job[],
  pool: readonly PoolPoint[],
  now: number,
): SchedulerOutput {
  checkConfig(config);
  checkSnapshot(config, snap);
  const sortedJobs = byNumber(jobs, config.runId, 'j', 'job');
  const sortedPool = byNumber(pool, config.runId, 'p', 'pool point');
  const lastJob = sortedJobs.length > 0 ? idNumber((sortedJobs.at(-1) as Job).id, config.runId, 'j', 'job') : 0;
  const lastPoint = sortedPool.length > 0 ? idNumber((sortedPool.at(-1) as PoolPoint).id, config.runId, 'p', 'pool point') : 0;
  const state: SchedulerState = {
    config,
    status: snap.status,
    jobs: sortedJobs,
    pool: sortedPool,
    queue: [],
    rng: snap.rng.slice(),
    nextJobNumber: Math.max(snap.nextJobNumber, lastJob + 1),
    nextPointNumber: Math.max(snap.nextPointNumber, lastPoint + 1),
    elapsedSeconds: snap.elapsedSeconds,
    clock: now,
    consecutiveFailures: snap.consecutiveFailures,
    finishReason: snap.finishReason,
    endStatus: snap.endStatus,
    pendingChoices: { ...snap.pendingChoices },
  };
  const d = draftOf(state);
  requeue(d, snap.queue);
  if (d.s.status === 'stopping' || d.s.status === 'finished' || d.s.status === 'stopped') dropAll(d);
  return finish(d);
}

/** Queue = the jobs that were running, then the snapshot's queue order, then any other queued job. */
function requeue(d: Draft, snapQueue: readonly string[]): void {
  const front: string[] = [];
  d.s.jobs.forEach((job, index) => {
    if (job.status !== 'running') return;
    putJob(d, index, { ...job, status: 'queued' });
    front.push(job.id);
  });
  const queued = new Set(d.s.jobs.filter((j) => j.status === 'queued').map((j) => j.id));
  const order = [...front, ...snapQueue.filter((id) => queued.has(id))];
  const seen = new Set(order);
  for (const job of d.s.jobs) if (job.status === 'queued' && !seen.has(job.id)) order.push(job.id);
  d.s.queue = [...new Set(order)];
}

/** A run that had ended (or was ending) keeps nothing to do; the workers that were cancelling are gone. */
function dropAll(d: Draft): void {
  for (const id of d.s.queue) {
    const index = d.s.jobs.findIndex((j) => j.id === id);
    putJob(d, index, { ...(d.s.jobs[index] as Job), status: 'cancelled' });
  }
  d.s.queue = [];
  if (d.s.status === 'stopping') {
    d.s.status = d.s.endStatus ?? 'stopped';
    d.cmds.push({ type: 'finished', reason: d.s.finishReason ?? d.s.status });
  }
}
