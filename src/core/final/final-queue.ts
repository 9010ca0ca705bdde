// Final trainings as a pure reducer, (state, event) → { state, commands }, beside the search's scheduler and
// independent of it: the user asks for them, they run one at a time on the same workers, and their results
// never reach the pool. Time and ids come from the events and the state, as in scheduler.ts.

import { countCost } from '../cost/cost.ts';
import type { JobResult, PoolPoint, TestScore } from '../search-types.ts';
import { finalDesc, type FinalSpec } from './final-spec.ts';
import { finalId, finalJobOf, finalWeightsKey, type FinalTraining } from './final-types.ts';
import type { Job } from '../search-types.ts';

export interface FinalQueueState {
  runId: string;
  /** Every final training of the run, oldest first. */
  trainings: FinalTraining[];
  /** Ids of the queued trainings, in start order. */
  queue: string[];
  /** The number of the next id. */
  nextNumber: number;
  /** How a running training asked to stop will end (paused, or cancelled by the user). */
  stopping: Record<string, 'paused' | 'cancelled'>;
  /** Tries per training; a retry halves the batch. */
  maxAttempts: number;
}

/** The test measurement a final training's job returns beside its JobResult (on the run's test examples). */
export interface FinalTestScore extends TestScore {
  testLoss: number;
}

export type FinalEvent =
  | { type: 'request'; point: PoolPoint; spec: FinalSpec; now: number }
  | { type: 'done'; id: string; result: JobResult; test: FinalTestScore; now: number }
  | { type: 'failed'; id: string; error: string; now: number }
  /** A running training stopped because it was asked to (pause, cancel, or the page paused all work). */
  | { type: 'interrupted'; id: string; now: number }
  | { type: 'pause'; id: string; now: number }
  | { type: 'resume'; id: string; now: number }
  | { type: 'cancel'; id: string; now: number };

export type FinalCommand =
  | { type: 'runJob'; job: Job }
  | { type: 'cancelJob'; jobId: string }
  /** Persist the training; when it is `done`, together with its weights in one transaction. */
  | { type: 'saveFinal'; training: FinalTraining };

export interface FinalOutput {
  state: FinalQueueState;
  commands: FinalCommand[];
}

export function createFinalQueue(runId: string, maxAttempts = 2): FinalQueueState {
  return { runId, trainings: [], queue: [], nextNumber: 1, stopping: {}, maxAttempts };
}

function idNumber(runId: string, id: string): number {
  const prefix = `${runId}-f`;
  const n = Number(id.slice(prefix.length));
  if (!id.startsWith(prefix) || !Number.isInteger(n) || n < 1) throw new Error(`final training id ${JSON.stringify(id)} is not of the form ${prefix}NNNN`);
  return n;
}

/**
 * The queue after a reload: trainings that were running continue first (from their epoch checkpoint), then
 * the queued ones oldest first; paused ones stay paused. Throws on an id of another run.
 */
export function restoreFinalQueue(runId: string, stored: readonly FinalTraining[], maxAttempts = 2): FinalOutput {
  const trainings = stored.slice().sort((a, b) => idNumber(runId, a.id) - idNumber(runId, b.id));
  const last = trainings.at(-1);
  const s: FinalQueueState = { runId, trainings, queue: [], nextNumber: last ? idNumber(runId, last.id) + 1 : 1, stopping: {}, maxAttempts };
  const cmds: FinalCommand[] = [];
  const running = trainings.filter((t) => t.status === 'running').map((t) => t.id);
  const queued = trainings.filter((t) => t.status === 'queued').map((t) => t.id);
  for (const id of running) put(s, cmds, { ...(s.trainings[indexOf(s, id)] as FinalTraining), status: 'queued' });
  s.queue = [...running, ...queued];
  dispatch(s, cmds);
  return { state: s, commands: cmds };
}

function indexOf(s: FinalQueueState, id: string): number {
  const i = s.trainings.findIndex((t) => t.id === id);
  if (i < 0) throw new Error(`final training ${JSON.stringify(id)} does not exist in run ${s.runId}`);
  return i;
}

function put(s: FinalQueueState, cmds: FinalCommand[], t: FinalTraining): void {
  s.trainings[indexOf(s, t.id)] = t;
  cmds.push({ type: 'saveFinal', training: t });
}

/** Starts the first queued training when none runs. */
function dispatch(s: FinalQueueState, cmds: FinalCommand[]): void {
  if (s.trainings.some((t) => t.status === 'running')) return;
  const id = s.queue.shift();
  if (id === undefined) return;
  const t: FinalTraining = { ...(s.trainings[indexOf(s, id)] as FinalTraining), status: 'running' };
  put(s, cmds, t);
  cmds.push({ type: 'runJob', job: finalJobOf(t) });
}

/** Ends a running training that was asked to stop as it was asked; otherwise null. */
function stoppedAs(s: FinalQueueState, id: string): 'paused' | 'cancelled' | null {
  const as = s.stopping[id] ?? null;
  delete s.stopping[id];
  return as;
}

/**
 * Handles one event. An event for a training that is not in the state throws (a runtime bug); a job event
 * for a training that is no longer running is stale and changes nothing.
 */
export function reduceFinal(state: FinalQueueState, event: FinalEvent): FinalOutput {
  const s: FinalQueueState = { ...state, trainings: state.trainings.slice(), queue: state.queue.slice(), stopping: { ...state.stopping } };
  const cmds: FinalCommand[] = [];
  if (event.type === 'request') {
    const { point, spec, now } = event;
    const id = finalId(s.runId, s.nextNumber);
    s.nextNumber += 1;
    const t: FinalTraining = { id, pointId: point.id, spec, desc: finalDesc(point.desc, spec), macro: point.macro, status: 'queued',
      attempt: 1, batchSizeScale: 1, error: null, createdAt: now, result: null };
    s.trainings.push(t);
    cmds.push({ type: 'saveFinal', training: t });
    s.queue.push(id);
    dispatch(s, cmds);
    return { state: s, commands: cmds };
  }
  const t = s.trainings[indexOf(s, event.id)] as FinalTraining;
  const isJobEvent = event.type === 'done' || event.type === 'failed' || event.type === 'interrupted';
  if (isJobEvent && t.status !== 'running') return { state, commands: [] };
  switch (event.type) {
    case 'done': {
      const { result, test, now } = event;
      if (result.jobId !== t.id) throw new Error(`final training ${t.id}: result.jobId is ${result.jobId}`);
      if (!(test.testAcc >= 0 && test.testAcc <= 1)) throw new RangeError(`final training ${t.id}: testAcc must be in [0, 1], got ${test.testAcc}`);
      delete s.stopping[t.id];
      const cost = countCost(result.desc);
      put(s, cmds, { ...t, status: 'done', error: null, result: { history: result.history, ...test, madd: cost.madd, params: cost.params,
        weightsKey: finalWeightsKey(t.id), finishedAt: now } });
      break;
    }
    case 'failed': {
      const as = stoppedAs(s, t.id);
      if (as) put(s, cmds, { ...t, status: as, error: as === 'cancelled' ? event.error : t.error });
      else if (t.attempt < s.maxAttempts) {
        put(s, cmds, { ...t, status: 'queued', attempt: t.attempt + 1, batchSizeScale: t.batchSizeScale / 2, error: event.error });
        s.queue.push(t.id);
      } else put(s, cmds, { ...t, status: 'failed', error: event.error });
      break;
    }
    case 'interrupted': {
      const as = stoppedAs(s, t.id);
      put(s, cmds, { ...t, status: as ?? 'queued' });
      if (!as) s.queue.unshift(t.id);
      break;
    }
    case 'pause':
    case 'cancel': {
      const to = event.type === 'pause' ? 'paused' : 'cancelled';
      if (t.status === 'running') {
        s.stopping[t.id] = to;
        cmds.push({ type: 'cancelJob', jobId: t.id });
      } else if (t.status === 'queued' || (t.status === 'paused' && to === 'cancelled')) {
        s.queue = s.queue.filter((id) => id !== t.id);
        put(s, cmds, { ...t, status: to });
      }
      break;
    }
    case 'resume':
      if (t.status === 'paused') {
        put(s, cmds, { ...t, status: 'queued' });
        s.queue.unshift(t.id);
      }
      break;
  }
  dispatch(s, cmds);
  return { state: s, commands: cmds };
}
