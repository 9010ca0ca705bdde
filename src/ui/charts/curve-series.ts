// Training curves per job on an epoch axis, the shape uPlot wants: x values plus one y array per job with
// nulls where it has no sample. Running jobs add their progress reports (loss at a fraction of an epoch,
// validation accuracy at each epoch end); jobs that finished before the page opened are read back from their
// stored curves (every finished job's loss and accuracy per epoch, search jobs' too) or, for runs stored
// before those were kept, their pool points' histories, so the curves survive a reload. A job keeps one
// colour, chosen from its number, across updates and reloads.
import type { EpochMetrics } from '../../core/search-types.ts';
import type { LiveJob } from '../../runtime/run/run-controller.ts';
import { idNumber } from '../words.ts';

export interface CurveSample {
  /** Epochs of training done: 1.5 = halfway through the second epoch. */
  x: number;
  loss: number | null;
  /** Validation accuracy, a fraction, at an epoch's end only. */
  valAcc: number | null;
}

export type CurveStore = Map<string, CurveSample[]>;

/** Eight colours far apart (and dark enough on white); consecutive jobs never share one. */
export const CURVE_COLORS = ['#3b6fb6', '#c05621', '#2f7d4f', '#7a3fb0', '#b83280', '#2c7a7b', '#8a6d1f', '#4a5568'];

/** The colour of job `jobId` (…-j0007 → the 7th colour, cycling): the same on every update and after a reload. */
export function curveColor(jobId: string): string {
  const n = idNumber(jobId);
  const k = n === null ? [...jobId].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) : n - 1;
  return CURVE_COLORS[k % CURVE_COLORS.length] ?? '#3b6fb6';
}

/** One job's line on a curve chart (uPlot series options): its name and the colour of its job number. */
export interface CurveLine {
  label: string;
  stroke: string;
  dash: number[] | undefined;
  spanGaps: true;
  points: { show: true; size: number };
}

/**
 * The lines of a curve chart for jobs `ids` (in the chart's series order), named by `nameOf`; accuracy lines
 * (`percent`) dashed. A line's colour comes from its job's number, never from its place among the series, so
 * a job keeps its colour when older jobs are trimmed or the page reloads.
 */
export function curveSeries(ids: readonly string[], nameOf: (id: string) => string, percent: boolean): CurveLine[] {
  return ids.map((id) => ({ label: nameOf(id), stroke: curveColor(id), dash: percent ? [4, 3] : undefined, spanGaps: true, points: { show: true, size: 4 } }));
}

/** A stored job's curve: its history per epoch (loss and validation accuracy at each epoch's end). */
export interface StoredCurve {
  jobId: string;
  history: readonly EpochMetrics[];
}

/**
 * The curves to restore: the stored curve records (one per finished job, any kind) and, for jobs without one
 * (runs stored before curves were kept, imported runs), their pool points' histories.
 */
export function mergeCurves(stored: readonly StoredCurve[], pool: readonly { jobId: string; history: readonly EpochMetrics[] }[]): StoredCurve[] {
  const have = new Set(stored.map((c) => c.jobId));
  return [...stored, ...pool.filter((p) => !have.has(p.jobId)).map((p) => ({ jobId: p.jobId, history: p.history }))];
}

function orderOf(jobId: string): number {
  return idNumber(jobId) ?? Number.MAX_SAFE_INTEGER;
}

/** Drops all but the `keepJobs` jobs with the highest numbers. */
function trim(store: CurveStore, keepJobs: number): void {
  const keys = [...store.keys()].sort((a, b) => orderOf(a) - orderOf(b));
  for (const k of keys.slice(0, Math.max(0, keys.length - keepJobs))) store.delete(k);
}

function put(list: CurveSample[], s: CurveSample): boolean {
  const at = list.findIndex((p) => p.x === s.x);
  if (at >= 0) {
    const old = list[at] as CurveSample;
    const merged = { x: s.x, loss: s.loss ?? old.loss, valAcc: s.valAcc ?? old.valAcc };
    if (merged.loss === old.loss && merged.valAcc === old.valAcc) return false;
    list[at] = merged;
    return true;
  }
  list.push(s);
  list.sort((a, b) => a.x - b.x);
  return true;
}

/**
 * Adds a sample per running job's new report and each finished epoch's accuracy; keeps the `keepJobs` latest
 * jobs. Returns whether anything changed.
 */
export function addSamples(store: CurveStore, live: Record<string, LiveJob>, keepJobs = 6): boolean {
  let changed = false;
  for (const j of Object.values(live)) {
    const list = store.get(j.jobId) ?? [];
    if (j.epochs > 0 && j.batches > 0 && Number.isFinite(j.loss)) changed = put(list, { x: j.epoch - 1 + j.batch / j.batches, loss: j.loss, valAcc: null }) || changed;
    for (const h of j.history) changed = put(list, { x: h.epoch, loss: null, valAcc: h.valAcc }) || changed;
    if (list.length > 0) store.set(j.jobId, list);
  }
  trim(store, keepJobs);
  return changed;
}

/** Adds the stored curves of jobs not in the store yet (finished before this page saw them). */
export function addStored(store: CurveStore, stored: readonly StoredCurve[], keepJobs = 6): boolean {
  let changed = false;
  // Only the curves that survive the trim are added: adding one that trim then drops would report a change on
  // every call, and a chart that redraws on each change would never settle.
  const ids = new Set([...store.keys(), ...stored.filter((c) => c.history.length > 0).map((c) => c.jobId)]);
  const kept = new Set([...ids].sort((a, b) => orderOf(a) - orderOf(b)).slice(-keepJobs));
  for (const c of stored) {
    if (store.has(c.jobId) || c.history.length === 0 || !kept.has(c.jobId)) continue;
    store.set(c.jobId, c.history.map((h) => ({ x: h.epoch, loss: Number.isFinite(h.trainLoss) ? h.trainLoss : null, valAcc: h.valAcc })));
    changed = true;
  }
  trim(store, keepJobs);
  return changed;
}

/** The store's jobs in their number order (the order of the series in alignedData). */
export function jobsOf(store: CurveStore): string[] {
  return [...store.keys()].sort((a, b) => orderOf(a) - orderOf(b));
}

/** [x, ...one series per job in jobsOf order] for `key`; accuracy in percent, like the frontier's axis. */
export function alignedData(store: CurveStore, key: 'loss' | 'valAcc'): (number | null)[][] {
  const jobs = jobsOf(store).map((id) => store.get(id) ?? []);
  const xs = [...new Set(jobs.flatMap((s) => s.filter((p) => p[key] !== null).map((p) => p.x)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const series = jobs.map((samples) => {
    const ys = new Array<number | null>(xs.length).fill(null);
    for (const p of samples) {
      const v = p[key];
      const i = index.get(p.x);
      if (v !== null && i !== undefined) ys[i] = key === 'valAcc' ? v * 100 : v;
    }
    return ys;
  });
  return [xs, ...series];
}
