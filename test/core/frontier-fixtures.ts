// Small valid records (description, preset, dataset summary, pool points, run) shared by the export and
// persistence tests.

import type { ModelDesc } from '../../src/core/space/model-desc.ts';
import type { PhaseRecipe, SearchPreset } from '../../src/core/training/training-config.ts';
import type { PoolPoint } from '../../src/core/search-types.ts';
import type { DatasetSummary } from '../../src/data/dataset.ts';
import type { FrontierRunInfo } from '../../src/core/export/format.ts';

export function tinyDesc(nodes = 1): ModelDesc {
  // Inputs s0 and s1 of a reduction cell are halved, so its edges from them need stride 2.
  const cell = (stride: 1 | 2) => ({
    nodes: Array.from({ length: nodes }, (_, i) => ({
      kind: 'sum' as const,
      id: `n${i}`,
      edges: [
        { input: 0, op: 'sep_conv_3x3' as const, stride },
        { input: 1, op: 'max_pool_3x3' as const, stride },
      ],
    })),
  });
  return {
    version: 1,
    space: 'canonical',
    input: { height: 8, width: 8, channels: 1 },
    numClasses: 10,
    initNodeChannels: 4,
    stemMultiplier: 1,
    stemStride: 1,
    nCells: 3,
    nReductions: 1,
    cells: { normal: cell(1), reduction: cell(2) },
  };
}

const phase: PhaseRecipe = {
  epochs: 2,
  batchSize: 16,
  lr: 0.025,
  minLr: 0,
  momentum: 0.9,
  weightDecay: 3e-4,
  gradClip: 5,
  cutout: 0,
  valFraction: 0.1,
  maxBatchesPerEpoch: 4,
};

export const tinyPreset: SearchPreset = {
  name: 'tiny',
  space: 'canonical',
  initNodeChannels: 4,
  stemMultiplier: 1,
  seedGrid: { reductions: [1, 1], cells: [3, 3], nodes: [1, 1] },
  seedTrain: phase,
  search: phase,
  postTrain: phase,
  topK: 2,
  l1Alpha: 0.001,
  eps: 0.025,
  maxMadd: null,
  maxPoolSize: 4,
  maxSeconds: null,
  examplesPerClass: 20,
  testExamples: null,
  seed: 7,
};

export const tinySummary: DatasetSummary = {
  id: 'mnist-8',
  name: 'MNIST, "tiny", 8×8',
  source: 'builtin',
  shape: { height: 8, width: 8, channels: 1 },
  numClasses: 10,
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  trainCount: 20,
  testCount: 10,
  bytes: 1950,
};

export function makePoint(id: string, madd: number, error: number, extra: Partial<PoolPoint> = {}): PoolPoint {
  return {
    id,
    stage: 'seed_trained',
    parentId: null,
    jobId: `job-${id}`,
    desc: tinyDesc(),
    macro: { cells: 3, reductions: 1, nodes: 1 },
    madd,
    params: Math.round(madd / 10),
    error,
    history: [{ epoch: 1, trainLoss: 2, trainAcc: 0.3, valLoss: 2.1, valAcc: 1 - error, lr: 0.025, seconds: 1.5 }],
    samplingCount: 0,
    choices: null,
    weightsKey: `w-${id}`,
    createdAt: 1000 + madd,
    ...extra,
  };
}

export function makeRunInfo(extra: Partial<FrontierRunInfo> = {}): FrontierRunInfo {
  return {
    id: 'run-1',
    name: 'first run',
    createdAt: 1000,
    status: 'finished',
    strategy: 'petridish',
    preset: tinyPreset,
    dataset: tinySummary,
    budgetMadd: 250,
    workers: 2,
    ...extra,
  };
}
