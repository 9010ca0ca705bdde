// Plain words for what the search records in its own terms: why a run ended, a model's shape, a model's or a
// job's name. The stored strings stay as they are (the command line and the exports read them); only the page
// translates them.
import type { JobKind } from '../core/search-types.ts';
import { formatCount, formatSeconds } from './format.ts';

/** A cell/reduction/node triple as the search stores it. */
export interface Macro {
  cells: number;
  reductions: number;
  nodes: number;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "3 cells, 1 reduction, 2 nodes": a macro shape in words (was "3c 1r 2n"). */
export function macroWords(m: Macro): string {
  return `${plural(m.cells, 'cell')}, ${plural(m.reductions, 'reduction')}, ${plural(m.nodes, 'node')}`;
}

/** The number at the end of a point or job id (`run-x-p0004` → 4), or null when it has none. */
export function idNumber(id: string): number | null {
  const m = /[pj](\d+)$/.exec(id);
  return m ? Number(m[1]) : null;
}

/** "#4" for pool point `run-x-p0004` (how the page names a trained model everywhere); "final 2" for `run-x-f0002`. */
export function pointName(id: string): string {
  const f = /-f(\d+)$/.exec(id);
  if (f) return `final ${Number(f[1])}`;
  const n = idNumber(id);
  return n === null ? (id.split('-').at(-1) ?? id) : `#${n}`;
}

/**
 * A job's plain name for legends and tables: "seed 3 (2 cells, 1 reduction)" for a seed (3 = its job number),
 * "child of #4 (job 6, search phase)" and "child of #4 (job 7)" for the two jobs that grow pool point #4 (the job
 * number tells apart the several children a model can have), "final model of #4".
 */
export function jobName(job: { id: string; kind: JobKind; macro: Macro; parentPointId: string | null }): string {
  const parent = job.parentPointId ? pointName(job.parentPointId) : '?';
  switch (job.kind) {
    case 'seed_train':
      return `seed ${idNumber(job.id) ?? job.id} (${plural(job.macro.cells, 'cell')}, ${plural(job.macro.reductions, 'reduction')})`;
    case 'search':
      return `child of ${parent} (job ${idNumber(job.id) ?? job.id}, search phase)`;
    case 'post_train':
      return `child of ${parent} (job ${idNumber(job.id) ?? job.id})`;
    case 'final_train':
      return `final model of ${parent}`;
  }
}

/** "no cutout" or "cutout 16 px" (a square of this side blanked at random in each training image). */
export function cutoutWords(px: number): string {
  return px > 0 ? `cutout ${px} px` : 'no cutout';
}

/**
 * The run's state as the run screen's status line opens it: "paused (not saved)" while a write failed (`fault`),
 * else the scheduler's status, then why the run ended in words (`finishWords`) when it has a stored reason.
 */
export function runStateWords(status: string, finishReason: string | null, fault: boolean): string {
  // An imported run's scheduler state is a closed snapshot ("finished"); what matters is that it was imported.
  const word = fault ? 'paused (not saved)' : finishReason?.startsWith('imported') ? 'imported' : status;
  // finishWords gives whole sentences, capitalised: a full stop ends the state word before them.
  return `${word}${finishReason ? `. ${finishWords(finishReason)}` : ''}`;
}

/**
 * Why a run ended, as a sentence, from the reason the scheduler stored ("maxPoolSize: the pool has 4 points
 * ≥ 4" → "It reached its limit of 4 models."). Reasons start with the rule's name (src/core/scheduler/stop-rules.ts,
 * src/core/scheduler/scheduler.ts); an unknown one is shown without its rule name.
 */
export function finishWords(reason: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^maxPoolSize: the pool has (\d+) points ≥ (\d+)/.exec(reason))) return `It reached its limit of ${plural(Number(m[2]), 'model')}.`;
  if ((m = /^maxSeconds: the search ran (\d+) s ≥ ([\d.]+) s/.exec(reason))) {
    return `It used its ${formatSeconds(Number(m[2]))} of search time (it ran ${formatSeconds(Number(m[1]))}).`;
  }
  if ((m = /^maxMadd: pool point (\S+) has ([\d.e+]+) MAdd > ([\d.e+]+)/.exec(reason))) {
    return `Model ${pointName(m[1] ?? '')} costs ${formatCount(Number(m[2]))} multiply-adds, above the limit of ${formatCount(Number(m[3]))}.`;
  }
  if (reason.startsWith('stop:')) return 'You stopped it.';
  if (reason.startsWith('noJobs:')) return 'Nothing was left to train.';
  if ((m = /^tooManyFailures: (\d+) jobs in a row failed; the last \((\S+)\): ([\s\S]*)$/.exec(reason))) {
    return `${m[1]} trainings in a row failed, so the search gave up. The last one said: ${m[3]}`;
  }
  if (reason === 'imported') return 'Imported from a file; it holds no trained weights.';
  // `imported: <status>`: the run's status when its file was exported (src/state/search-session.svelte.ts).
  if ((m = /^imported: (\w+)$/.exec(reason))) {
    const when: Record<string, string> = {
      running: 'exported while the run was still running (with the models trained until then)',
      paused: 'exported while the run was paused (with the models trained until then)',
      stopped: 'exported after the run was stopped',
      finished: 'exported after the run finished',
    };
    return `Imported from a file ${when[m[1] ?? ''] ?? 'of an exported run'}; it holds no trained weights.`;
  }
  return reason.replace(/^[a-zA-Z]+: /, '');
}

/**
 * A job's status as the jobs table shows it. Only the end of a search cancels a job (a pause sends running jobs
 * back to the queue; `continue` queues the cancelled ones again), so a cancelled job's reason is the run's stored
 * finish reason: "stopped: the time budget ended" rather than a bare "cancelled" that reads like an error.
 * Other statuses are shown as they are.
 */
export function jobStatusWords(status: string, finishReason: string | null): string {
  if (status !== 'cancelled') return status;
  const rule = /^([a-zA-Z]+):/.exec(finishReason ?? '')?.[1];
  const why: Record<string, string> = {
    maxSeconds: 'the time budget ended',
    maxPoolSize: 'the run reached its model limit',
    maxMadd: 'a model went over the cost limit',
    stop: 'you stopped the run',
    tooManyFailures: 'too many trainings in a row failed',
    noJobs: 'nothing was left to train',
  };
  return `stopped: ${(rule && why[rule]) ?? 'the search ended'}`;
}

/**
 * Why a time-budget run's search time limit is below the budget asked for: " of a 2 min budget; the device
 * measurement and start-up used 12 s". `askedSeconds` is the budget the user gave (seconds; absent for a run
 * without one), `maxSeconds` the search's time limit (seconds), which the start shortened by the time it waited
 * for. Empty when there is nothing to explain (no budget, or a limit not below it).
 */
export function budgetWords(askedSeconds: number | undefined, maxSeconds: number | null): string {
  if (!askedSeconds || maxSeconds === null || maxSeconds >= askedSeconds) return '';
  const whole = (s: number) => formatSeconds(s).replace(/ 0 s$/, '');
  return ` of a ${whole(askedSeconds)} budget; the device measurement and start-up used ${whole(askedSeconds - maxSeconds)}`;
}

/**
 * A stored run's status as the start screen shows it, in the runs list and the resume banner alike. The start
 * screen shows only when no run is open, so a run stored as running was interrupted (the page went away
 * while it ran); a paused one was paused (closing a run pauses it).
 */
export function storedStatusWord(status: string): string {
  return status === 'running' ? 'interrupted' : status;
}

/** The pool's size for the run's status line: "1 model", "2 models", or against the pool-size limit "1 / 3 models". */
export function modelCount(n: number, limit: number | null): string {
  return limit ? `${n} / ${limit} models` : plural(n, 'model');
}

/** A run's search strategy in words, as the setup's strategy select names it ('petridish' → "Petridish"). */
export function strategyWords(strategy: string): string {
  return strategy === 'petridish' ? 'Petridish' : strategy === 'random' ? 'random search' : strategy;
}

/**
 * What the jobs panel says while it has no job: an imported run's file holds its models but not the jobs that
 * trained them (`imported`); a new run's first seeds are about to start.
 */
export function noJobsWords(imported: boolean): string {
  return imported
    ? 'An imported run holds its models (on the plot and in the downloads), not the jobs that trained them.'
    : 'No job yet: the first seed models start in a moment.';
}
