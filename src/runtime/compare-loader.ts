// Reads the stored runs chosen for comparing (records and pool points) and builds their comparison
// (core/compare); records that cannot be read are reported, never thrown past the page.

import { compareRuns, snapshotSearchSeconds, type Comparison, type CompareRunInput } from '../core/compare/compare-runs.ts';
import type { PetridishDb } from '../persistence/database/db.ts';
import { listPoints } from '../persistence/repositories/point-repo.ts';
import type { RecordProblem } from '../persistence/database/records.ts';
import { getRun } from '../persistence/repositories/run-repo.ts';

export interface LoadedComparison {
  comparison: Comparison;
  /** Damaged point records skipped (each named by its store and key). */
  problems: RecordProblem[];
}

/**
 * The comparison of runs `ids` (two or more, in that order). Throws an Error naming the run when a run is
 * missing or its record cannot be read, and RangeError (from compareRuns) for fewer than two runs.
 */
export async function loadComparison(db: PetridishDb, ids: readonly string[]): Promise<LoadedComparison> {
  const problems: RecordProblem[] = [];
  const inputs: CompareRunInput[] = [];
  for (const id of ids) {
    const run = await getRun(db, id);
    if (!run.record) {
      const why = run.problems.map((p) => p.message).join('; ');
      throw new Error(`run ${id} could not be read for comparing${why ? `: ${why}` : ' (it is no longer stored)'}`);
    }
    const points = await listPoints(db, id);
    problems.push(...points.problems);
    const r = run.record;
    inputs.push({
      id: r.id,
      name: r.name,
      status: r.status,
      strategy: r.strategy,
      preset: r.preset,
      dataset: r.dataset,
      points: points.records,
      searchSeconds: snapshotSearchSeconds(r.status, r.snapshot),
    });
  }
  return { comparison: compareRuns(inputs), problems };
}
