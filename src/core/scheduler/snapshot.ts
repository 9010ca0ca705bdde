// Persisting and resuming a run: the small JSON snapshot, and the state rebuilt from it plus the stored jobs
// and pool points (Archai lost its in-flight jobs and then spun forever, §8.1).

import { checkConfig } from './config.ts';
import { draftOf, finish, putJob } from './draft.ts';
import type { Draft } from './draft.ts';
import { jobId, makeJob } from './jobs.ts';
import { queueNext } from './next.ts';
import { seedDescs } from '../space/seeds.ts';
import type { RunSnapshot, SchedulerConfig, SchedulerOutput, SchedulerState } from './types.ts';
import type { Job, PoolPoint } from '../search-types.ts';

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

/** What restore returns: the state and commands, plus what it had to repair, for the user to read. */
export interface RestoreOutput extends SchedulerOutput {
  /** One sentence per repair (a job the stored records lacked, recreated or replaced); empty when none. */
  notes: string[];
}

/**
 * Rebuilds a run after a reload. The job that was running (stored `running`, or, in records written before
 * running jobs were stored, known to the snapshot but absent from its queue) goes back to the FRONT of the
 * queue, so it continues first from its checkpoint; finished jobs are never redone; dispatch resumes unless
 * paused. A job id the snapshot had counted but no stored record holds (a lost write) is not dropped: a seed
 * job is recreated as it was, any other job is replaced by a follow-up job, and `notes` says which.
 * Counters never fall behind the stored records, so a snapshot older than its jobs cannot reuse an id.
 * Throws when the snapshot belongs to another run or an id is not of this run.
 */
export function restore(
  config: SchedulerConfig,
  snap: RunSnapshot,
  jobs: readonly Job[],
  pool: readonly PoolPoint[],
  now: number,
): RestoreOutput {
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
  const notes: string[] = [];
  requeue(d, snap);
  if (d.s.status === 'running' || d.s.status === 'paused') recoverLost(d, snap, now, notes);
  if (d.s.status === 'stopping' || d.s.status === 'finished' || d.s.status === 'stopped') dropAll(d);
  return { ...finish(d), notes };
}

/** Queue = the jobs that were running, then the snapshot's queue order, then any other queued job. */
function requeue(d: Draft, snap: RunSnapshot): void {
  const listed = new Set(snap.queue);
  const front: string[] = [];
  d.s.jobs.forEach((job, index) => {
    const n = idNumber(job.id, d.s.config.runId, 'j', 'job');
    // Older records never stored `running`: a job the snapshot knew of, queued but not in its queue, was running.
    const wasRunning = job.status === 'running' || (job.status === 'queued' && !listed.has(job.id) && n < snap.nextJobNumber);
    if (!wasRunning) return;
    if (job.status === 'running') putJob(d, index, { ...job, status: 'queued' });
    front.push(job.id);
  });
  const queued = new Set(d.s.jobs.filter((j) => j.status === 'queued').map((j) => j.id));
  const order = [...front, ...snap.queue.filter((id) => queued.has(id))];
  const seen = new Set(order);
  for (const job of d.s.jobs) if (job.status === 'queued' && !seen.has(job.id)) order.push(job.id);
  d.s.queue = [...new Set(order)];
}

/**
 * Every id below the snapshot's job counter must have a record. A missing seed job (the first ids, one per
 * seed of the grid) is recreated exactly at its place in the queue; any other missing job is replaced by a
 * follow-up job (a search from a freshly sampled parent, or a random architecture), so the population of
 * the search does not shrink.
 */
function recoverLost(d: Draft, snap: RunSnapshot, now: number, notes: string[]): void {
  const { config } = d.s;
  const have = new Set(d.s.jobs.map((j) => j.id));
  const seeds = seedDescs(config.preset, config.input, config.numClasses);
  for (let n = 1; n < snap.nextJobNumber; n++) {
    const id = jobId(config.runId, n);
    if (have.has(id)) continue;
    delete d.s.pendingChoices[id];
    const seed = seeds[n - 1];
    if (seed) {
      const job = makeJob(id, { kind: 'seed_train', ...seed, parentPointId: null, initWeightsKey: null }, now);
      d.s.jobs.push(job);
      d.s.jobs.sort((a, b) => idNumber(a.id, config.runId, 'j', 'job') - idNumber(b.id, config.runId, 'j', 'job'));
      const at = snap.queue.indexOf(id);
      const before = at < 0 ? -1 : d.s.queue.findIndex((q) => snap.queue.indexOf(q) > at);
      if (before < 0) d.s.queue.push(id);
      else d.s.queue.splice(before, 0, id);
      d.cmds.push({ type: 'saveJob', job });
      notes.push(`job ${id} (a seed model) was missing from storage and was recreated`);
      continue;
    }
    const next = queueNext(d, now);
    notes.push(next ? `job ${id} was missing from storage; job ${next.id} (${next.kind}) replaces it`
      : `job ${id} was missing from storage and could not be replaced (the pool has no parent to grow)`);
  }
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
