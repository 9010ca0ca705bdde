// Plain words on screen: the scheduler's stored stop reasons, macro shapes, model and job names, cutout and a
// stored run's status, with no rule or field name of the code left in them.
import { describe, expect, it } from 'vitest';
import { stopReason } from '../../src/core/scheduler/stop-rules.ts';
import { budgetWords, cutoutWords, finishWords, jobName, jobStatusWords, macroWords, modelCount, pointName, runStateWords, storedStatusWord, strategyWords } from '../../src/ui/words.ts';

describe('plain words', () => {
  it('turns every stored stop reason into a sentence without the rule name', () => {
    const pool = [{ id: 'run-a-p0001', madd: 1e6 }, { id: 'run-a-p0002', madd: 3.2e6 }, { id: 'run-a-p0003', madd: 1e6 }, { id: 'run-a-p0004', madd: 1e6 }];
    const bySize = stopReason({ maxMadd: null, maxPoolSize: 4, maxSeconds: null }, pool, 10) ?? '';
    const byTime = stopReason({ maxMadd: null, maxPoolSize: null, maxSeconds: 89 }, pool, 90) ?? '';
    const byCost = stopReason({ maxMadd: 2e6, maxPoolSize: null, maxSeconds: null }, pool, 10) ?? '';
    expect(bySize).toMatch(/^maxPoolSize/);
    expect(finishWords(bySize)).toBe('It reached its limit of 4 models.');
    expect(finishWords(byTime)).toBe('It used its 1 min 29 s of search time (it ran 1 min 30 s).');
    expect(finishWords(byCost)).toBe('Model #2 costs 3.2M multiply-adds, above the limit of 2M.');
    expect(finishWords('stop: stopped by the user')).toBe('You stopped it.');
    expect(finishWords("noJobs: no job is queued or running to grow the pool's 3 points")).toBe('Nothing was left to train.');
    expect(finishWords('tooManyFailures: 3 jobs in a row failed; the last (run-a-j0007): out of memory')).toBe('3 trainings in a row failed, so the search gave up. The last one said: out of memory');
    expect(finishWords('imported')).toMatch(/^Imported from a file/);
    expect(finishWords('someRule: a detail')).toBe('a detail');
    for (const r of [bySize, byTime, byCost, 'stop: stopped by the user']) expect(finishWords(r)).not.toMatch(/max[A-Z]|stop:|≥/);
  });

  it('opens the run screen\'s status line with the state and why the run ended in words, never the stored reason', () => {
    const reason = 'maxPoolSize: the pool has 4 points ≥ 4';
    expect(runStateWords('finished', reason, false)).toBe('finished. It reached its limit of 4 models.');
    expect(runStateWords('stopped', 'stop: stopped by the user', false)).toBe('stopped. You stopped it.');
    expect(runStateWords('running', null, false)).toBe('running');
    // The reason is whole sentences: a full stop ends the state word, never a dash before a capital.
    expect(runStateWords('finished', 'maxSeconds: the search ran 90 s ≥ 89 s', false)).toBe('finished. It used its 1 min 29 s of search time (it ran 1 min 30 s).');
    expect(runStateWords('finished', reason, false)).not.toMatch(/— [A-Z]/);
    expect(runStateWords('running', null, true)).toBe('paused (not saved)');
    expect(runStateWords('finished', reason, false)).not.toContain('maxPoolSize');
    // A run exported midway and imported: not called finished.
    expect(runStateWords('finished', 'imported: running', false)).toBe(
      'imported. Imported from a file exported while the run was still running (with the models trained until then); it holds no trained weights.',
    );
    expect(runStateWords('finished', 'imported: finished', false)).toBe('imported. Imported from a file exported after the run finished; it holds no trained weights.');
    expect(runStateWords('finished', 'imported', false)).toMatch(/^imported. Imported from a file;/);
  });

  it('counts models in the singular and plural, and names strategies', () => {
    expect(modelCount(1, null)).toBe('1 model');
    expect(modelCount(2, null)).toBe('2 models');
    expect(modelCount(1, 3)).toBe('1 / 3 models');
    expect(strategyWords('petridish')).toBe('Petridish');
    expect(strategyWords('random')).toBe('random search');
  });

  it('writes macro shapes, names and cutout in words', () => {
    expect(macroWords({ cells: 3, reductions: 1, nodes: 2 })).toBe('3 cells, 1 reduction, 2 nodes');
    expect(macroWords({ cells: 1, reductions: 0, nodes: 1 })).toBe('1 cell, 0 reductions, 1 node');
    expect(pointName('mx1yuywp-p0004')).toBe('#4');
    expect(pointName('run-mx1yuywp-f0002')).toBe('final 2');
    const macro = { cells: 2, reductions: 1, nodes: 1 };
    expect(jobName({ id: 'run-x-j0003', kind: 'seed_train', macro, parentPointId: null })).toBe('seed 3 (2 cells, 1 reduction)');
    expect(jobName({ id: 'run-x-j0007', kind: 'post_train', macro, parentPointId: 'run-x-p0004' })).toBe('child of #4 (job 7)');
    expect(jobName({ id: 'run-x-j0006', kind: 'search', macro, parentPointId: 'run-x-p0004' })).toBe('child of #4 (job 6, search phase)');
    // Two children of one model (Petridish may grow a model more than once) have different names.
    expect(jobName({ id: 'run-x-j0013', kind: 'post_train', macro, parentPointId: 'run-x-p0004' })).not.toBe(
      jobName({ id: 'run-x-j0007', kind: 'post_train', macro, parentPointId: 'run-x-p0004' }),
    );
    expect(cutoutWords(0)).toBe('no cutout');
    expect(cutoutWords(16)).toBe('cutout 16 px');
  });

  it('calls a run stored as running "interrupted" on the start screen, as the banner does', () => {
    expect(storedStatusWord('running')).toBe('interrupted');
    expect(storedStatusWord('paused')).toBe('paused');
    expect(storedStatusWord('finished')).toBe('finished');
  });

  it("says why a cancelled job stopped, from the run's stored end reason", () => {
    const byTime = stopReason({ maxMadd: null, maxPoolSize: null, maxSeconds: 89 }, [], 90) ?? '';
    expect(jobStatusWords('cancelled', byTime)).toBe('stopped: the time budget ended');
    expect(jobStatusWords('cancelled', 'stop: stopped by the user')).toBe('stopped: you stopped the run');
    expect(jobStatusWords('cancelled', 'maxPoolSize: the pool has 4 points ≥ 4')).toBe('stopped: the run reached its model limit');
    expect(jobStatusWords('cancelled', 'tooManyFailures: 3 jobs in a row failed; the last (x): oom')).toBe('stopped: too many trainings in a row failed');
    expect(jobStatusWords('cancelled', null)).toBe('stopped: the search ended');
    expect(jobStatusWords('cancelled', 'someRule: a detail')).toBe('stopped: the search ended');
    for (const s of ['done', 'running', 'queued', 'failed']) expect(jobStatusWords(s, byTime)).toBe(s);
  });

  it('says how much of the asked time budget the start took, when the search limit is below it', () => {
    expect(budgetWords(120, 108)).toBe(' of a 2 min budget; the device measurement and start-up used 12 s');
    expect(budgetWords(600, 521)).toBe(' of a 10 min budget; the device measurement and start-up used 1 min 19 s');
    expect(budgetWords(undefined, 108)).toBe('');
    expect(budgetWords(120, null)).toBe('');
    expect(budgetWords(120, 120)).toBe('');
  });
});
