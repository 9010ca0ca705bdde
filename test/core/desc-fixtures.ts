// Small hand-written descriptions shared by the core tests.

import type { CellTemplate, ModelDesc, SearchSpaceName } from '../../src/core/space/model-desc.ts';

export function oneNodeTemplate(kind: 'normal' | 'reduction'): CellTemplate {
  const s = kind === 'reduction' ? 2 : 1;
  return {
    nodes: [
      {
        kind: 'sum',
        id: 'n0',
        edges: [
          { input: 0, op: 'max_pool_3x3', stride: s },
          { input: 1, op: 'skip_connect', stride: s },
        ],
      },
    ],
  };
}

/** 1 normal cell, no reduction, 8×8×1 input, C = 2, stem ×1 stride 1, 2 classes. */
export function tinyDesc(space: SearchSpaceName = 'canonical'): ModelDesc {
  return {
    version: 1,
    space,
    input: { height: 8, width: 8, channels: 1 },
    numClasses: 2,
    initNodeChannels: 2,
    stemMultiplier: 1,
    stemStride: 1,
    nCells: 1,
    nReductions: 0,
    cells: { normal: oneNodeTemplate('normal'), reduction: oneNodeTemplate('reduction') },
  };
}

/** 3 cells N R N, 8×8×1 input, C = 2 (4 after the reduction), stem ×2, 3 classes. */
export function threeCellDesc(): ModelDesc {
  return {
    ...tinyDesc(),
    numClasses: 3,
    stemMultiplier: 2,
    nCells: 3,
    nReductions: 1,
    cells: {
      normal: {
        nodes: [
          {
            kind: 'sum',
            id: 'n0',
            edges: [
              { input: 0, op: 'sep_conv_3x3', stride: 1 },
              { input: 1, op: 'avg_pool_3x3', stride: 1 },
            ],
          },
        ],
      },
      reduction: {
        nodes: [
          {
            kind: 'sum',
            id: 'n0',
            edges: [
              { input: 0, op: 'skip_connect', stride: 2 },
              { input: 1, op: 'dil_conv_3x3', stride: 2 },
            ],
          },
        ],
      },
    },
  };
}
