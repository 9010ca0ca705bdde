// The fast cpu elementwise, reduction, data-movement and pooling-gradient kernels give exactly the stock
// kernels' values (copies, or the same double-precision sums in the same order) over broadcasts, axis sets,
// boxes, splits, permutations, paddings, repeats, blocks, windows and strides, ties in max pooling included.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerFastCpuKernels, restoreStockCpuKernels } from '../../../src/ml/kernels/cpu/register.ts';
import { randomTensor, seeded, stockAndFast } from './compare.ts';

function expectIdentical(fast: tf.Tensor, stock: tf.Tensor, label: string): void {
  expect(fast.shape, label).toEqual(stock.shape);
  expect(fast.dtype, label).toBe(stock.dtype);
  const a = fast.dataSync();
  const b = stock.dataSync();
  let differing = 0;
  for (let i = 0; i < b.length; i++) if (!Object.is(a[i], b[i])) differing++;
  expect(differing, `${label}: ${differing} of ${b.length} elements differ`).toBe(0);
}

function all(kernel: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap, label: string): void {
  const { stock, fast } = stockAndFast(kernel, inputs, attrs);
  expectIdentical(fast, stock, `${kernel} ${label}`);
}

function allSplits(inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap, label: string): void {
  restoreStockCpuKernels();
  const stock = tf.engine().runKernel('SplitV', inputs, attrs) as tf.Tensor[];
  registerFastCpuKernels();
  const fast = tf.engine().runKernel('SplitV', inputs, attrs) as tf.Tensor[];
  expect(fast.length, label).toBe(stock.length);
  fast.forEach((f, i) => expectIdentical(f, stock[i]!, `SplitV ${label} part ${i}`));
}

describe('fast cpu elementwise, reduction, slice and pooling-gradient kernels equal the stock ones exactly', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });
  afterAll(() => restoreStockCpuKernels());

  it('Add, Sub, Multiply, RealDiv over broadcasts', () => {
    const before = tf.memory().numTensors;
    const rand = seeded(1);
    const pairs: [number[], number[]][] = [
      [[2, 3, 4, 5], [2, 3, 4, 5]], [[2, 3, 4, 5], [5]], [[5], [2, 3, 4, 5]], [[2, 1, 4, 1], [1, 3, 1, 5]],
      [[], [2, 3]], [[2, 3], []], [[], []], [[2, 3, 4, 5], [1, 1, 1, 5]], [[3, 1], [1, 4]], [[2, 3, 4, 5], [2, 3, 4, 1]],
      [[4, 5], [2, 3, 4, 5]], [[1, 7, 7, 3], [2, 1, 1, 3]], [[2, 0, 3], [3]], [[1], [6]], [[2, 3, 1], [2, 3, 4]],
    ];
    for (const [as, bs] of pairs) {
      tf.tidy(() => {
        const a = randomTensor(as, rand);
        const b = randomTensor(bs, rand);
        for (const kernel of ['Add', 'Sub', 'Multiply', 'RealDiv']) all(kernel, { a, b }, {}, `${JSON.stringify(as)} with ${JSON.stringify(bs)}`);
      });
    }
    // Integer operands are not the fast kernels' business: the stock kernel answers.
    tf.tidy(() => all('Add', { a: tf.tensor1d([1, 2, 3], 'int32'), b: tf.scalar(4, 'int32') }, {}, 'int32'));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Sum and Mean over every axis set, with and without keepDims', () => {
    const before = tf.memory().numTensors;
    const rand = seeded(2);
    const shapes = [[2, 3, 4, 5], [7], [3, 1, 4], [32, 7, 7, 8]];
    for (const shape of shapes) {
      const rank = shape.length;
      tf.tidy(() => {
        const x = randomTensor(shape, rand);
        for (let mask = 1; mask < 1 << rank; mask++) {
          const axis = [...Array(rank).keys()].filter((d) => mask & (1 << d));
          for (const keepDims of [false, true]) {
            for (const kernel of ['Sum', 'Mean']) all(kernel, { x }, { axis, keepDims }, `${JSON.stringify(shape)} axes ${axis} keepDims ${keepDims}`);
          }
        }
        all('Sum', { x }, { axis: -1, keepDims: false }, `${JSON.stringify(shape)} axis -1`);
      });
    }
    tf.tidy(() => all('Sum', { x: tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32') }, { axis: [0], keepDims: false }, 'int32'));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Slice over boxes and SplitV over every axis', () => {
    const before = tf.memory().numTensors;
    const rand = seeded(3);
    tf.tidy(() => {
      const shape = [3, 5, 6, 7];
      const x = randomTensor(shape, rand);
      const boxes: [number[], number[]][] = [
        [[0, 0, 0, 0], [3, 5, 6, 7]], [[1, 2, 3, 4], [2, 3, 3, 3]], [[0, 0, 0, 2], [-1, -1, -1, 4]], [[2, 4, 5, 6], [1, 1, 1, 1]],
        [[0, 1, 0, 0], [3, 2, 6, 7]], [[1, 0, 2, 0], [1, 5, 1, 7]], [[0, 0, 0, 0], [0, 5, 6, 7]],
      ];
      for (const [begin, size] of boxes) all('Slice', { x }, { begin, size }, `begin ${begin} size ${size}`);
      all('Slice', { x: randomTensor([10], rand) }, { begin: [3], size: [4] }, 'rank 1');
      for (let axis = 0; axis < 4; axis++) {
        allSplits({ x }, { numOrSizeSplits: [1, shape[axis]! - 1], axis }, `axis ${axis} sizes`);
      }
      allSplits({ x }, { numOrSizeSplits: 3, axis: 2 }, 'into 3');
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Transpose, PadV2 and Tile over ranks, permutations, paddings and repeats', () => {
    const before = tf.memory().numTensors;
    const rand = seeded(5);
    tf.tidy(() => {
      const x4 = randomTensor([2, 3, 4, 5], rand);
      for (const perm of [[0, 1, 2, 3], [3, 2, 1, 0], [0, 3, 1, 2], [1, 0, 3, 2], [2, 0, 1, 3]]) all('Transpose', { x: x4 }, { perm }, `perm ${perm}`);
      const x6 = randomTensor([2, 2, 3, 2, 1, 3], rand);
      all('Transpose', { x: x6 }, { perm: [2, 4, 0, 1, 3, 5] }, 'rank 6');
      all('Transpose', { x: randomTensor([3, 4], rand) }, { perm: [1, 0] }, 'rank 2');
      for (const paddings of [[[0, 0], [1, 2], [2, 1], [0, 0]], [[1, 0], [0, 0], [0, 3], [2, 2]], [[0, 0], [0, 0], [0, 0], [0, 0]]]) {
        for (const constantValue of [0, -1.5]) all('PadV2', { x: x4 }, { paddings, constantValue }, `paddings ${JSON.stringify(paddings)} value ${constantValue}`);
      }
      all('PadV2', { x: randomTensor([5], rand) }, { paddings: [[2, 3]], constantValue: 0 }, 'rank 1');
      for (const reps of [[1, 1, 1, 1], [2, 1, 3, 1], [1, 2, 1, 2], [3, 3, 1, 1]]) all('Tile', { x: x4 }, { reps }, `reps ${reps}`);
      all('Tile', { x: randomTensor([1, 1, 1, 6], rand) }, { reps: [4, 5, 3, 1] }, 'a [1, 1, 1, C] vector over N, H, W (batch norm gradient)');
      all('Tile', { x: randomTensor([3], rand) }, { reps: [4] }, 'rank 1');
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('SpaceToBatchND and BatchToSpaceND with 2×2 blocks, paddings and crops, odd sizes', () => {
    const before = tf.memory().numTensors;
    const rand = seeded(6);
    for (const [n, h, w, c] of [[1, 5, 5, 1], [2, 7, 6, 3], [3, 8, 8, 8]] as const) {
      for (const p of [0, 2, 4]) {
        tf.tidy(() => {
          const x = randomTensor([n, h, w, c], rand);
          const paddings = [[p, p + (h % 2)], [p, p + (w % 2)]];
          all('SpaceToBatchND', { x }, { blockShape: [2, 2], paddings }, `x ${[n, h, w, c]} paddings ${JSON.stringify(paddings)}`);
          const phases = tf.spaceToBatchND(x, [2, 2], paddings);
          const crops = [[0, h % 2], [0, w % 2]];
          all('BatchToSpaceND', { x: phases }, { blockShape: [2, 2], crops }, `x ${phases.shape} crops ${JSON.stringify(crops)}`);
          all('BatchToSpaceND', { x: phases }, { blockShape: [2, 2], crops: [[1, 1], [2, 0]] }, `x ${phases.shape} crops [[1,1],[2,0]]`);
        });
      }
    }
    tf.tidy(() => all('SpaceToBatchND', { x: randomTensor([2, 6, 4], rand) }, { blockShape: [3], paddings: [[0, 0]] }, 'rank 3, block 3'));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('AvgPoolGrad and MaxPoolGrad over windows, strides and paddings, ties included', () => {
    const before = tf.memory().numTensors;
    const rand = seeded(4);
    let checked = 0;
    for (const [n, h, w, c] of [[1, 5, 5, 1], [2, 7, 6, 3], [3, 8, 8, 8], [2, 4, 9, 5]] as const) {
      for (const filterSize of [1, 2, 3, [2, 3]] as const) {
        for (const strides of [1, 2, [1, 2]] as const) {
          for (const pad of ['same', 'valid', 1] as const) {
            if (pad === 1 && filterSize === 1) continue;
            tf.tidy(() => {
              // Values from {-2, …, 2}: windows often hold several equal maxima.
              const input = tf.tensor(Float32Array.from({ length: n * h * w * c }, () => Math.round(2 * rand())), [n, h, w, c]) as tf.Tensor4D;
              const attrs = { filterSize, strides, pad, dimRoundingMode: undefined } as unknown as tf.NamedAttrMap;
              const output = tf.maxPool(input, filterSize as [number, number], strides as [number, number], pad);
              const dy = randomTensor(output.shape, rand);
              const label = `x ${[n, h, w, c]} filter ${filterSize} strides ${strides} pad ${pad}`;
              all('MaxPoolGrad', { dy, input, output }, attrs, label);
              all('AvgPoolGrad', { dy, input }, attrs, label);
              checked++;
            });
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(tf.memory().numTensors).toBe(before);
  });
});
