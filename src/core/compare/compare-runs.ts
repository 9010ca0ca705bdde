// Runs compared: each run's frontier (the lower convex hull of its pool, multiply-adds against validation
// error, as on the run's own plot) and one table row per run (dataset, strategy, preset, best validation
// error, that model's test accuracy, models trained, time spent).

import { bestModels } from '../pareto/best.ts';
import { lowerConvexHull } from '../pareto/hull.ts';
import type { RunStatus, RunStrategy } from '../export/schema.ts';
import type { PoolPoint } from '../search-types.ts';
import type { PresetName } from '../training/training-config.ts';

/** What the comparison needs of one stored run (a persisted run record and its pool points have all of it). */
export interface CompareRunInput {
  id: string;
  name: string;
  status: RunStatus;
  strategy: RunStrategy;
  preset: { name: PresetName };
  dataset: { id: string; name: string };
  points: readonly PoolPoint[];
  /**
   * Seconds the search ran (the scheduler's elapsed running time), or null when not known: an imported run's
   * file does not carry it.
   */
  searchSeconds: number | null;
}

/** A vertex of a run's frontier: a pool point's multiply-adds per example and its validation error in [0, 1]. */
export interface FrontierVertex {
  id: string;
  madd: number;
  error: number;
}

export interface CompareRow {
  runId: string;
  name: string;
  status: RunStatus;
  datasetId: string;
  datasetName: string;
  strategy: RunStrategy;
  preset: PresetName;
  /** Pool points (seed and grown models) the run trained. */
  models: number;
  /** The lowest-validation-error model (ties: cheaper, then earlier, as bestModels); null for an empty pool. */
  bestPointId: string | null;
  /** Its validation error in [0, 1]. */
  bestError: number | null;
  /** Its multiply-adds per example. */
  bestMadd: number | null;
  /** Its test accuracy in [0, 1]; null when the pool is empty or the model's test accuracy was not measured. */
  bestTestAcc: number | null;
  bestTestCount: number | null;
  /** As CompareRunInput.searchSeconds. */
  searchSeconds: number | null;
  /**
   * Seconds of training summed over the epochs of every pool model (seed and post-training; the search
   * phases are not pool points and are not counted). Known for imported runs too, from their histories.
   */
  trainingSeconds: number;
}

export interface Comparison {
  rows: CompareRow[];
  /** One frontier per run, in the order the runs were given. */
  frontiers: { runId: string; vertices: FrontierVertex[] }[];
  /** Distinct datasets in run order; more than one means the errors were measured on different examples. */
  datasets: { id: string; name: string }[];
}

/**
 * The run's frontier: the vertices of the lower convex hull of (multiply-adds, validation error) over its
 * pool, cheapest first, exactly as the run's own plot draws it (core/hull.ts, spec §3.2). Empty for an empty
 * pool. Throws RangeError on a non-finite multiply-add count or error.
 */
export function runFrontier(points: readonly PoolPoint[]): FrontierVertex[] {
  const hull = lowerConvexHull(points.map((p) => ({ x: p.madd, y: p.error })));
  return hull.map((i) => {
    const p = points[i] as PoolPoint;
    return { id: p.id, madd: p.madd, error: p.error };
  });
}

/** The table row of one run (see CompareRow). Throws RangeError on a negative or non-finite search time. */
export function compareRow(run: CompareRunInput): CompareRow {
  if (run.searchSeconds !== null && !(run.searchSeconds >= 0 && Number.isFinite(run.searchSeconds))) {
    throw new RangeError(`compareRow: run ${run.id}: searchSeconds must be null or a finite number ≥ 0, got ${run.searchSeconds}`);
  }
  const best = bestModels(run.points, null).lowestError;
  let trainingSeconds = 0;
  for (const p of run.points) for (const h of p.history) if (Number.isFinite(h.seconds) && h.seconds > 0) trainingSeconds += h.seconds;
  return {
    runId: run.id,
    name: run.name,
    status: run.status,
    datasetId: run.dataset.id,
    datasetName: run.dataset.name,
    strategy: run.strategy,
    preset: run.preset.name,
    models: run.points.length,
    bestPointId: best?.id ?? null,
    bestError: best?.error ?? null,
    bestMadd: best?.madd ?? null,
    bestTestAcc: best?.testAcc ?? null,
    bestTestCount: best?.testAcc === undefined ? null : (best.testCount ?? null),
    searchSeconds: run.searchSeconds,
    trainingSeconds,
  };
}

/**
 * Rows and frontiers of two or more runs, in the order given, and the distinct datasets they were run on.
 * Throws RangeError for fewer than two runs or a run given twice.
 */
export function compareRuns(runs: readonly CompareRunInput[]): Comparison {
  if (runs.length < 2) throw new RangeError(`compareRuns: comparing needs at least two runs, got ${runs.length}`);
  const seen = new Set<string>();
  for (const r of runs) {
    if (seen.has(r.id)) throw new RangeError(`compareRuns: run ${r.id} is given twice`);
    seen.add(r.id);
  }
  const datasets = new Map<string, { id: string; name: string }>();
  for (const r of runs) if (!datasets.has(r.dataset.id)) datasets.set(r.dataset.id, { id: r.dataset.id, name: r.dataset.name });
  return {
    rows: runs.map(compareRow),
    frontiers: runs.map((r) => ({ runId: r.id, vertices: runFrontier(r.points) })),
    datasets: [...datasets.values()],
  };
}

/**
 * The scheduler's elapsed running time kept in a stored run's snapshot, or null when the record has none that
 * counts: an imported run (its snapshot is made up at import and says 0) or a snapshot without the field.
 */
export function snapshotSearchSeconds(status: RunStatus, snapshot: unknown): number | null {
  if (status === 'imported' || typeof snapshot !== 'object' || snapshot === null) return null;
  const s = (snapshot as { elapsedSeconds?: unknown }).elapsedSeconds;
  return typeof s === 'number' && Number.isFinite(s) && s >= 0 ? s : null;
}
