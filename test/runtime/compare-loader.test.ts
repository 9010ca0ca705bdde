import { describe, expect, it } from 'vitest';
import { loadComparison } from '../../src/runtime/compare-loader.ts';
import { putPoint } from '../../src/persistence/repositories/point-repo.ts';
import { putRun } from '../../src/persistence/repositories/run-repo.ts';
import { freshDb, makePointRecord, makeRun } from '../persistence/persistence-fixtures.ts';

describe('loadComparison', () => {
  it('reads each run and its pool from IndexedDB, in the order asked, with the search time of stored runs only', async () => {
    const { db } = await freshDb();
    await putRun(db, makeRun('a', { status: 'finished', snapshot: { elapsedSeconds: 90 } }));
    await putRun(db, makeRun('b', { status: 'imported', strategy: 'random', snapshot: { elapsedSeconds: 0 } }));
    await putPoint(db, makePointRecord('a', 'a-p1', { error: 0.3, madd: 100 }));
    await putPoint(db, makePointRecord('a', 'a-p2', { error: 0.2, madd: 300, createdAt: 5 }));
    await putPoint(db, makePointRecord('b', 'b-p1', { error: 0.25, madd: 200 }));
    const { comparison, problems } = await loadComparison(db, ['b', 'a']);
    expect(problems).toEqual([]);
    expect(comparison.rows.map((r) => [r.runId, r.strategy, r.models, r.bestPointId, r.searchSeconds])).toEqual([
      ['b', 'random', 1, 'b-p1', null],
      ['a', 'petridish', 2, 'a-p2', 90],
    ]);
    expect(comparison.frontiers[1]?.vertices.map((v) => v.id)).toEqual(['a-p1', 'a-p2']);
  });

  it('names a run that is not stored, and reports a damaged point without failing', async () => {
    const { db } = await freshDb();
    await putRun(db, makeRun('a', { status: 'finished' }));
    await putRun(db, makeRun('b', { status: 'finished' }));
    await putPoint(db, makePointRecord('a', 'a-p1'));
    await db.put('points', { id: 'a-bad', runId: 'a', madd: 'lots' } as never);
    await expect(loadComparison(db, ['a', 'gone'])).rejects.toThrow(/run gone .*no longer stored/);
    const { comparison, problems } = await loadComparison(db, ['a', 'b']);
    expect(comparison.rows[0]?.models).toBe(1);
    expect(problems.map((p) => p.key)).toEqual(['a-bad']);
  });
});
