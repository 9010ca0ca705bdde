// An exported frontier file (src/core/export/format.ts) turned into the records of a stored run that is only
// ever opened read-only: the run, with a closed scheduler snapshot that remembers the run's status at export,
// and its pool points without weights.

import type { FrontierExport } from '../../core/export/format.ts';
import { testScoreOf } from '../../core/scheduler/jobs.ts';
import type { PointRecord, RunRecord } from '../../persistence/database/records.ts';

/**
 * The records of `data` stored as run `id` at time `now` (ms since the epoch): the run (status `imported`,
 * named "<name> (imported)") and one point per exported point, its id and parent id renamed into the new run,
 * with no weights (`weightsKey` empty). Throws nothing; `data` is already checked by `parseFrontierExport`.
 */
export function importedRunRecords(data: FrontierExport, id: string, now: number): { run: RunRecord; points: PointRecord[] } {
  const run: RunRecord = {
    id,
    name: `${data.run.name} (imported)`,
    createdAt: data.run.createdAt,
    updatedAt: now,
    status: 'imported',
    strategy: data.run.strategy,
    preset: data.run.preset,
    dataset: data.dataset,
    snapshot: importedSnapshot(id, data.points.length, data.run.status),
    budgetMadd: data.run.budgetMadd,
    workers: data.run.workers,
  };
  const points = data.points.map((p): PointRecord => {
    const { onHull: _h, inEpsBand: _b, inheritance, testAcc: _a, testCount: _c, testSource: _s, ...point } = p;
    return { ...point, id: p.id.replace(data.run.id, id), parentId: p.parentId?.replace(data.run.id, id) ?? null, runId: id, weightsKey: '', ...(inheritance ? { inheritance } : {}), ...testScoreOf(p) };
  });
  return { run, points };
}

/**
 * The scheduler snapshot of an imported run: closed, nothing queued (it is only ever opened read-only); its
 * finish reason `imported: <status>` keeps the run's status when it was exported (a run may be exported midway),
 * which the run screen says in words (src/ui/words.ts's `finishWords`).
 */
function importedSnapshot(runId: string, points: number, exportedStatus: string) {
  return {
    version: 1 as const,
    runId,
    status: 'finished' as const,
    queue: [],
    rng: [1, 2, 3, 4],
    nextJobNumber: 1,
    nextPointNumber: points + 1,
    elapsedSeconds: 0,
    consecutiveFailures: 0,
    finishReason: `imported: ${exportedStatus}`,
    endStatus: 'finished' as const,
    pendingChoices: {},
  };
}
