// Minimal pool points for the core tests: only the fields that hull, sampling and best-model logic read matter.

import type { ModelDesc } from '../../src/core/space/model-desc.ts';
import type { PoolPoint } from '../../src/core/search-types.ts';

const DESC: ModelDesc = {
  version: 1,
  space: 'canonical',
  input: { height: 8, width: 8, channels: 1 },
  numClasses: 10,
  initNodeChannels: 4,
  stemMultiplier: 1,
  stemStride: 1,
  nCells: 3,
  nReductions: 1,
  cells: { normal: { nodes: [] }, reduction: { nodes: [] } },
};

export function fakePoint(id: string, madd: number, error: number, samplingCount = 0, createdAt = 0): PoolPoint {
  return {
    id,
    stage: 'seed_trained',
    parentId: null,
    jobId: `job-${id}`,
    desc: DESC,
    macro: { cells: 3, reductions: 1, nodes: 1 },
    madd,
    params: madd / 10,
    error,
    history: [],
    samplingCount,
    choices: null,
    weightsKey: `w-${id}`,
    createdAt,
  };
}
