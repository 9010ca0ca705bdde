// Collects the running jobs' progress reports into curves (loss per report, accuracy per epoch) aligned on
// one time axis, the shape uPlot wants: x values plus one y array per job with nulls where it has no sample.
import type { LiveJob } from '../../runtime/run-controller.ts';

export interface CurveSample {
  t: number;
  loss: number | null;
  trainAcc: number | null;
  valAcc: number | null;
}

export type CurveStore = Map<string, CurveSample[]>;

/** Adds a sample per job whose report is new (by updatedAt); keeps the last `keepJobs` jobs. */
export function addSamples(store: CurveStore, live: Record<string, LiveJob>, keepJobs = 4): boolean {
  let changed = false;
  for (const j of Object.values(live)) {
    const list = store.get(j.jobId) ?? [];
    const t = j.updatedAt / 1000;
    if (list.length > 0 && (list[list.length - 1]?.t ?? 0) >= t) continue;
    const last = j.history[j.history.length - 1];
    const endOfEpoch = last !== undefined && last.epoch === j.epoch && j.batch === j.batches;
    list.push({ t, loss: Number.isFinite(j.loss) ? j.loss : null, trainAcc: endOfEpoch ? last.trainAcc : null, valAcc: endOfEpoch ? last.valAcc : null });
    store.set(j.jobId, list);
    changed = true;
  }
  while (store.size > keepJobs) store.delete(store.keys().next().value as string);
  return changed;
}

/** [x, ...one series per job] for `key`, x in seconds from the first sample. */
export function alignedData(store: CurveStore, key: 'loss' | 'trainAcc' | 'valAcc'): (number | null)[][] {
  const jobs = [...store.values()];
  const times = [...new Set(jobs.flatMap((s) => s.map((p) => p.t)))].sort((a, b) => a - b);
  const t0 = times[0] ?? 0;
  const index = new Map(times.map((t, i) => [t, i]));
  const series = jobs.map((samples) => {
    const ys = new Array<number | null>(times.length).fill(null);
    for (const p of samples) ys[index.get(p.t) ?? 0] = p[key];
    return ys;
  });
  return [times.map((t) => t - t0), ...series];
}
