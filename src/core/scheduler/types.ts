// The scheduler's data: its configuration, state, input events, output commands and persisted snapshot.

import type { ModelDesc } from '../space/model-desc.ts';
import type { CandidateChoices, Job, JobResult, PoolPoint } from '../search-types.ts';
import type { SearchPreset } from '../training/training-config.ts';
import type { StopLimits } from './stop-rules.ts';

export type SearchStrategy = 'petridish' | 'random';

export interface SchedulerConfig {
  runId: string;
  strategy: SearchStrategy;
  preset: SearchPreset;
  input: ModelDesc['input'];
  numClasses: number;
  /** Most jobs running at once. */
  workers: number;
  /** Cost budget of interest for reporting the best model; null = none. */
  budgetMadd: number | null;
  /** Tries per job (the retry halves the batch size each time). Default 2. */
  maxAttempts?: number;
  /** The search ends after this many jobs in a row failed for good. Default 10. */
  maxConsecutiveFailures?: number;
}

/**
 * - `running`: jobs are dispatched.
 * - `paused`: nothing new is dispatched; running jobs are told to cancel at their next batch and return to the
 *   front of the queue (`jobInterrupted`), to continue from their epoch checkpoint on resume; a job that
 *   finishes before it sees the cancellation is recorded as usual.
 * - `stopping`: the search has ended; running jobs were told to cancel and we wait for their last event.
 * - `finished` (a stop rule or the failure guard) / `stopped` (the user): ended; only `continue` leaves them.
 */
export type SchedulerStatus = 'running' | 'paused' | 'stopping' | 'finished' | 'stopped';
export type EndStatus = 'finished' | 'stopped';

export interface SchedulerState {
  config: SchedulerConfig;
  status: SchedulerStatus;
  /** Every job of the run, in creation order. */
  jobs: Job[];
  pool: PoolPoint[];
  /** Ids of the queued jobs, in dispatch order. */
  queue: string[];
  rng: number[];
  /** Counters behind the ids `${runId}-j0001` and `${runId}-p0001`: the next number to use. */
  nextJobNumber: number;
  nextPointNumber: number;
  /** Seconds spent in `running` (paused time excluded). */
  elapsedSeconds: number;
  /** `now` of the last event handled (ms), from which the next event's elapsed time is measured. */
  clock: number;
  consecutiveFailures: number;
  finishReason: string | null;
  /** Final status once the running jobs have answered their cancellation; null while the search goes on. */
  endStatus: EndStatus | null;
  /** The search result's choices, by the id of the post_train job that will turn them into a pool point. */
  pendingChoices: Record<string, CandidateChoices | null>;
}

export type SchedulerEvent =
  | { type: 'jobStarted'; jobId: string; now: number }
  | { type: 'jobDone'; jobId: string; result: JobResult; now: number }
  | { type: 'jobFailed'; jobId: string; error: string; now: number }
  /** A running job stopped because it was asked to (pause): back to the queue's front, no attempt counted. */
  | { type: 'jobInterrupted'; jobId: string; now: number }
  | { type: 'pause'; now: number }
  | { type: 'resume'; now: number }
  | { type: 'stop'; now: number }
  /**
   * Continues a finished or stopped run: the jobs its end cancelled are queued again, the population is topped
   * up to the seed count, and `limits` (if given) replace the preset's stop rules so the run can go further.
   */
  | { type: 'continue'; now: number; limits?: Partial<StopLimits> }
  | { type: 'tick'; now: number };

export type SchedulerCommand =
  | { type: 'runJob'; job: Job }
  | { type: 'cancelJob'; jobId: string }
  | { type: 'saveJob'; job: Job }
  | { type: 'savePoint'; point: PoolPoint; job: Job }
  | { type: 'updatePoint'; point: PoolPoint }
  | { type: 'saveRunState' }
  | { type: 'finished'; reason: string };

export interface SchedulerOutput {
  state: SchedulerState;
  commands: SchedulerCommand[];
}

/** The small JSON part of the state; jobs and pool points are stored as their own records. */
export interface RunSnapshot {
  version: 1;
  runId: string;
  status: SchedulerStatus;
  queue: string[];
  rng: number[];
  nextJobNumber: number;
  nextPointNumber: number;
  elapsedSeconds: number;
  consecutiveFailures: number;
  finishReason: string | null;
  endStatus: EndStatus | null;
  pendingChoices: Record<string, CandidateChoices | null>;
}
