import { describe, expect, it } from 'vitest';
import { compareRow, compareRuns, runFrontier, snapshotSearchSeconds, type CompareRunInput } from '../../../src/core/compare/compare-runs.ts';
import type { PoolPoint } from '../../../src/core/search-types.ts';
import { fakePoint } from '../pool-fixtures.ts';

function withTest(p: PoolPoint, testAcc: number, testCount = 100): PoolPoint {
  return { ...p, testAcc, testCount, testSource: 'test' };
}

function withSeconds(p: PoolPoint, ...seconds: number[]): PoolPoint {
  return { ...p, history: seconds.map((s, i) => ({ epoch: i + 1, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 1 - p.error, lr: 0.01, seconds: s })) };
}

function run(id: string, points: PoolPoint[], over: Partial<CompareRunInput> = {}): CompareRunInput {
  return {
    id,
    name: `run ${id}`,
    status: 'finished',
    strategy: 'petridish',
    preset: { name: 'tiny' },
    dataset: { id: 'mnist-8', name: 'MNIST 8×8' },
    points,
    searchSeconds: 120,
    ...over,
  };
}

describe('runFrontier', () => {
  it('keeps the lower convex hull vertices, cheapest first, and drops points above it', () => {
    const pts = [fakePoint('c', 300, 0.1), fakePoint('a', 100, 0.4), fakePoint('above', 200, 0.35), fakePoint('b', 200, 0.2), fakePoint('tail', 400, 0.15)];
    expect(runFrontier(pts)).toEqual([
      { id: 'a', madd: 100, error: 0.4 },
      { id: 'b', madd: 200, error: 0.2 },
      { id: 'c', madd: 300, error: 0.1 },
    ]);
  });

  it('is empty for an empty pool and one vertex for one point', () => {
    expect(runFrontier([])).toEqual([]);
    expect(runFrontier([fakePoint('x', 5, 0.5)])).toEqual([{ id: 'x', madd: 5, error: 0.5 }]);
  });

  it('refuses a non-finite error', () => {
    expect(() => runFrontier([fakePoint('x', 5, Number.NaN)])).toThrow(RangeError);
  });
});

describe('compareRow', () => {
  it('reports the lowest-error model, its test accuracy, the model count and both times', () => {
    const pts = [withSeconds(withTest(fakePoint('a', 100, 0.3), 0.68), 2, 3), withSeconds(withTest(fakePoint('b', 400, 0.12), 0.87, 500), 10), fakePoint('c', 900, 0.2)];
    expect(compareRow(run('r1', pts, { strategy: 'random', preset: { name: 'standard' } }))).toEqual({
      runId: 'r1',
      name: 'run r1',
      status: 'finished',
      datasetId: 'mnist-8',
      datasetName: 'MNIST 8×8',
      strategy: 'random',
      preset: 'standard',
      models: 3,
      bestPointId: 'b',
      bestError: 0.12,
      bestMadd: 400,
      bestTestAcc: 0.87,
      bestTestCount: 500,
      searchSeconds: 120,
      trainingSeconds: 15,
    });
  });

  it('breaks an error tie towards the cheaper model, like the run screen', () => {
    const row = compareRow(run('r', [fakePoint('dear', 500, 0.2), fakePoint('cheap', 100, 0.2)]));
    expect(row.bestPointId).toBe('cheap');
  });

  it('says "not measured" (null) for a best model without test accuracy and for an empty pool', () => {
    expect(compareRow(run('r', [fakePoint('a', 1, 0.5)]))).toMatchObject({ bestError: 0.5, bestTestAcc: null, bestTestCount: null });
    expect(compareRow(run('r', []))).toMatchObject({ models: 0, bestPointId: null, bestError: null, bestMadd: null, bestTestAcc: null, trainingSeconds: 0 });
  });

  it('refuses a negative search time', () => {
    expect(() => compareRow(run('r', [], { searchSeconds: -1 }))).toThrow(/searchSeconds/);
  });
});

describe('compareRuns', () => {
  it('gives rows and frontiers in the order of the runs and one dataset when they share it', () => {
    const c = compareRuns([run('r1', [fakePoint('a', 1, 0.5)]), run('r2', [fakePoint('b', 2, 0.4), fakePoint('c', 3, 0.45)])]);
    expect(c.rows.map((r) => r.runId)).toEqual(['r1', 'r2']);
    expect(c.frontiers).toEqual([
      { runId: 'r1', vertices: [{ id: 'a', madd: 1, error: 0.5 }] },
      { runId: 'r2', vertices: [{ id: 'b', madd: 2, error: 0.4 }] },
    ]);
    expect(c.datasets).toEqual([{ id: 'mnist-8', name: 'MNIST 8×8' }]);
  });

  it('lists every distinct dataset when the runs differ', () => {
    const c = compareRuns([run('r1', []), run('r2', [], { dataset: { id: 'fashion', name: 'Fashion-MNIST' } }), run('r3', [])]);
    expect(c.datasets.map((d) => d.name)).toEqual(['MNIST 8×8', 'Fashion-MNIST']);
  });

  it('needs two distinct runs', () => {
    expect(() => compareRuns([run('r1', [])])).toThrow(/at least two runs, got 1/);
    expect(() => compareRuns([run('r1', []), run('r1', [])])).toThrow(/r1 is given twice/);
  });
});

describe('snapshotSearchSeconds', () => {
  it('reads the elapsed running time of a stored run and knows none for an imported one', () => {
    expect(snapshotSearchSeconds('finished', { elapsedSeconds: 61.5 })).toBe(61.5);
    expect(snapshotSearchSeconds('imported', { elapsedSeconds: 0 })).toBeNull();
    expect(snapshotSearchSeconds('running', null)).toBeNull();
    expect(snapshotSearchSeconds('stopped', { elapsedSeconds: 'soon' })).toBeNull();
    expect(snapshotSearchSeconds('paused', { elapsedSeconds: -3 })).toBeNull();
  });
});
