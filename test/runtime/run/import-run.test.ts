// An imported run (a frontier file exported midway or at the end) stored and opened as the page does: it says
// it was imported and what the run was doing when exported, never "finished" alone; it shows no progress to a
// stop rule, and its empty jobs panel says why.
import { describe, expect, it } from 'vitest';
import { buildFrontierExport, parseFrontierExport } from '../../../src/core/export/format.ts';
import type { RunStatus } from '../../../src/persistence/database/records.ts';
import { putPoint } from '../../../src/persistence/repositories/point-repo.ts';
import { putRun } from '../../../src/persistence/repositories/run-repo.ts';
import { importedRunRecords } from '../../../src/runtime/run/import-run.ts';
import { RunController } from '../../../src/runtime/run/run-controller.ts';
import { stopProgress } from '../../../src/ui/run/run-progress.ts';
import { noJobsWords, runStateWords } from '../../../src/ui/words.ts';
import { makePoint, makeRunInfo } from '../../core/frontier-fixtures.ts';
import { freshDb } from '../../persistence/persistence-fixtures.ts';
import { FakeRunner } from '../fake-runner.ts';

/** The file of run `run-1` exported while it was `status`, with two of its four models trained. */
function exported(status: RunStatus) {
  const points = [makePoint('run-1-p1', 100, 0.3), makePoint('run-1-p2', 200, 0.2, { parentId: 'run-1-p1' })];
  const file = buildFrontierExport({ run: makeRunInfo({ status }), points, exportedAt: 5000, appVersion: '0.1.0' });
  return parseFrontierExport(JSON.stringify(file));
}

/** Stores the file as the page's import does and opens it read-only; returns what the run screen reads. */
async function importAndOpen(status: RunStatus) {
  const { db } = await freshDb();
  const { run, points } = importedRunRecords(exported(status), 'import-1', 9000);
  await putRun(db, run);
  for (const p of points) await putPoint(db, p);
  const c = await RunController.open({ db, dbName: 'test', runner: new FakeRunner(false), now: () => 10_000, onChange: () => undefined }, 'import-1', { readOnly: true });
  const v = c.view;
  const imported = v.run.status === 'imported';
  return { v, imported, status: runStateWords(v.state.status, v.state.finishReason, v.fault !== null) };
}

describe('an imported run', () => {
  it('exported while running: says so, with no progress to a stop rule and no jobs', async () => {
    const { v, imported, status } = await importAndOpen('running');
    expect(v.readOnly).toBe(true);
    expect(v.run.name).toBe('first run (imported)');
    expect(v.state.pool.map((p) => [p.id, p.parentId])).toEqual([['import-1-p1', null], ['import-1-p2', 'import-1-p1']]);
    expect(v.state.pool.every((p) => p.weightsKey === '')).toBe(true);
    expect(status).toBe('imported. Imported from a file exported while the run was still running (with the models trained until then); it holds no trained weights.');
    expect(status).not.toMatch(/^finished/);
    // Two of the preset's four models: a live run would show 50 %; an imported one measures nothing.
    expect(v.run.preset.maxPoolSize).toBe(4);
    expect(stopProgress(v.state, v.run.preset, false)).toBe(0.5);
    expect(imported).toBe(true);
    expect(stopProgress(v.state, v.run.preset, imported)).toBeNull();
    expect(v.state.jobs).toEqual([]);
    expect(noJobsWords(imported)).toMatch(/^An imported run holds its models .*not the jobs that trained them/);
  });

  it('exported after it was paused, stopped or finished: says which', async () => {
    expect((await importAndOpen('paused')).status).toMatch(/^imported. Imported from a file exported while the run was paused/);
    expect((await importAndOpen('stopped')).status).toMatch(/^imported. Imported from a file exported after the run was stopped;/);
    expect((await importAndOpen('finished')).status).toMatch(/^imported. Imported from a file exported after the run finished;/);
  });

  it('a run of this browser with no job yet says its seeds are about to start', () => {
    expect(noJobsWords(false)).toBe('No job yet: the first seed models start in a moment.');
  });
});
