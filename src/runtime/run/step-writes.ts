// What one scheduler step writes (the records of its commands, gathered for one transaction) and the message
// a failed write shows: what was not saved and what to do.

import type { SchedulerCommand } from '../../core/scheduler/types.ts';
import type { EpochMetrics } from '../../core/search-types.ts';
import type { NamedWeights } from '../../core/weights.ts';
import { errorText } from '../../persistence/database/db.ts';
import { isQuotaError } from '../../persistence/database/quota.ts';
import type { CurveRecord, JobRecord, PointRecord, RunRecord } from '../../persistence/database/records.ts';
import type { StepCommit } from '../../persistence/repositories/step-repo.ts';
import { weightsKeyOf } from './run-types.ts';

/**
 * The records of one step's commands: jobs as the step leaves them (a dispatched job is stored `running`, so a
 * reload continues it first), pool points, the weights of finished jobs (taken from `weightsInHand`, keyed by
 * weights key), their training curves (from `curvesInHand`, per-epoch histories keyed by job id; a job without
 * one there gets no curve record), the checkpoints of ended jobs, and journal entries when `journal` is on. The
 * last write of a record in the step wins. Throws when a finished training's weights are not in hand (a runtime
 * bug).
 */
export function stepWrites(
  commands: readonly SchedulerCommand[],
  run: RunRecord,
  weightsInHand: ReadonlyMap<string, NamedWeights>,
  journal: boolean,
  curvesInHand: ReadonlyMap<string, EpochMetrics[]> = new Map(),
): Omit<StepCommit, 'create'> {
  const runId = run.id;
  const jobs = new Map<string, JobRecord>();
  const points = new Map<string, PointRecord>();
  const weights: StepCommit['weights'] = [];
  const curves = new Map<string, CurveRecord>();
  const dropCheckpoints: string[] = [];
  const entries: string[] = [];
  const what: string[] = [];
  const finished = (jobId: string, key: string): void => {
    const w = weightsInHand.get(key);
    if (!w) throw new Error(`no weights in hand for finished job ${jobId}`);
    weights.push({ key, weights: w });
    const history = curvesInHand.get(jobId);
    if (history) curves.set(jobId, { jobId, runId, history });
    dropCheckpoints.push(jobId);
    entries.push(`done:${jobId}`);
  };
  for (const cmd of commands) {
    switch (cmd.type) {
      case 'runJob':
        jobs.set(cmd.job.id, { ...cmd.job, runId });
        entries.push(`start:${cmd.job.id}`);
        what.push(`the start of job ${cmd.job.id}`);
        break;
      case 'saveJob': {
        jobs.set(cmd.job.id, { ...cmd.job, runId });
        const key = weightsKeyOf(cmd.job);
        if (cmd.job.status === 'done' && weightsInHand.has(key)) {
          finished(cmd.job.id, key);
          what.push(`the result of job ${cmd.job.id} (its weights)`);
        } else if (cmd.job.status === 'failed' || cmd.job.status === 'cancelled') {
          dropCheckpoints.push(cmd.job.id);
        } else if (cmd.job.status === 'queued' && cmd.job.attempt === 1 && !cmd.job.error) {
          what.push(`the new job ${cmd.job.id}`);
        }
        break;
      }
      case 'savePoint':
        jobs.set(cmd.job.id, { ...cmd.job, runId });
        points.set(cmd.point.id, { ...cmd.point, runId });
        finished(cmd.job.id, cmd.point.weightsKey);
        what.push(`the result of job ${cmd.job.id} (pool point ${cmd.point.id} and its weights)`);
        break;
      case 'updatePoint':
        points.set(cmd.point.id, { ...cmd.point, runId });
        break;
      case 'cancelJob':
      case 'saveRunState':
      case 'finished':
        break;
    }
  }
  what.push('the run state');
  return {
    run,
    jobs: [...jobs.values()],
    points: [...points.values()],
    weights,
    curves: [...curves.values()],
    dropCheckpoints,
    journal: journal ? entries : [],
    what: joinWhat(what),
  };
}

function joinWhat(parts: string[]): string {
  const unique = [...new Set(parts)];
  return unique.length === 1 ? (unique[0] as string) : `${unique.slice(0, -1).join(', ')} and ${unique.at(-1) as string}`;
}

const RUN_PAUSED = 'The run is paused; everything saved before is intact, and what was not saved is kept in this tab until it can be written.';

/**
 * The message of a write that failed: what was not saved, what became of the work (`then`: by default that the
 * run paused), and what to do next.
 */
export async function storageFaultMessage(e: unknown, what: string, then: string = RUN_PAUSED): Promise<string> {
  const cause = e instanceof Error && e.cause !== undefined && isQuotaError(e) ? e.cause : e;
  const closed = typeof cause === 'object' && cause !== null && (cause as { name?: unknown }).name === 'InvalidStateError';
  const advice = isQuotaError(e) || isQuotaError(cause)
    ? 'Browser storage is full: free space (delete old runs or cached datasets), then press Resume.'
    : closed
      ? 'The database was closed (the app was probably updated in another tab): reload this page; the run continues from what was saved.'
      : 'Check that the browser may store data for this site, then press Resume.';
  return `Not saved: ${what} (${errorText(cause)}). ${then} ${advice}`;
}
