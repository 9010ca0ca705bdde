// Fresh isolated databases (one fake-indexeddb factory each) and small valid records for the persistence tests.

import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openPetridishDb, type PetridishDb } from '../../src/persistence/database/db.ts';
import type { CheckpointRecord, JobRecord, PointRecord, RunRecord } from '../../src/persistence/database/records.ts';
import type { NamedWeights } from '../../src/core/weights.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { makePoint, tinyDesc, tinyPreset, tinySummary } from '../core/frontier-fixtures.ts';

export async function freshDb(): Promise<{ db: PetridishDb; factory: IDBFactory }> {
  const factory = new IDBFactory();
  return { db: await openPetridishDb({ name: 'test', factory }), factory };
}

export function makeRun(id: string, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    name: `run ${id}`,
    createdAt: 1,
    updatedAt: 1,
    status: 'running',
    strategy: 'petridish',
    preset: tinyPreset,
    dataset: tinySummary,
    snapshot: { queue: ['j1'], nextId: 3 },
    budgetMadd: null,
    workers: 1,
    ...extra,
  };
}

export function makeJob(runId: string, id: string, extra: Partial<JobRecord> = {}): JobRecord {
  return {
    id,
    runId,
    kind: 'seed_train',
    status: 'running',
    desc: tinyDesc(),
    macro: { cells: 3, reductions: 1, nodes: 1 },
    parentPointId: null,
    initWeightsKey: null,
    attempt: 1,
    batchSizeScale: 1,
    error: null,
    createdAt: 10,
    ...extra,
  };
}

export function makePointRecord(runId: string, id: string, extra: Partial<PointRecord> = {}): PointRecord {
  return { ...makePoint(id, 100, 0.2), runId, ...extra };
}

export function makeWeights(values: number[]): NamedWeights {
  return {
    specs: [
      { path: 'stem/conv', shape: [1, values.length - 1], offset: 0 },
      { path: 'head/bias', shape: [1], offset: values.length - 1 },
    ],
    data: Float32Array.from(values),
  };
}

export function makeCheckpoint(runId: string, jobId: string, epoch: number): CheckpointRecord {
  return {
    jobId,
    runId,
    epoch,
    weights: makeWeights([epoch, 2, 3]),
    optimizer: makeWeights([0.1, 0.2, 0.3]),
    rngState: [1, 2, 3, 4],
    history: [{ epoch, trainLoss: 1, trainAcc: 0.5, valLoss: 1.1, valAcc: 0.4, lr: 0.01, seconds: 2 }],
    savedAt: 99,
  };
}

export function makeDataset(id: string): Dataset {
  const split = (count: number) => ({
    images: Uint8Array.from({ length: count * 64 }, (_, i) => i % 251),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
    count,
  });
  const { name, source, shape, numClasses, classNames } = tinySummary;
  return { id, name, source, shape, numClasses, classNames, train: split(20), test: split(10) };
}
