import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/data/errors.ts';
import { assembleDataset, checkFitsDevice, checkSplit, estimateDatasetBytes } from '../../src/data/validate.ts';

const shape = { height: 2, width: 2, channels: 1 };
const split = (labels: number[]) => ({ images: new Uint8Array(labels.length * 4), labels: Uint8Array.from(labels), count: labels.length });

describe('validate', () => {
  it('checks counts, sizes and label range', () => {
    expect(() => checkSplit({ ...split([0, 1]), count: 3 }, shape, 2, 'f')).toThrow(/3 images but 2 labels/);
    expect(() => checkSplit({ ...split([0, 1]), images: new Uint8Array(7) }, shape, 2, 'f')).toThrow(/7 pixel bytes, expected 2 × 4 = 8/);
    expect(() => checkSplit(split([0, 2]), shape, 2, 'f')).toThrow(/label 2 of example 1 is out of range \(expected 0\.\.1\)/);
  });

  it('assembles a dataset only when classes are sound', () => {
    const base = { id: 'x', name: 'x', source: 'upload' as const, shape, test: null };
    expect(assembleDataset({ ...base, classNames: ['a', 'b'], train: split([0, 1, 1]) }).numClasses).toBe(2);
    expect(() => assembleDataset({ ...base, classNames: ['a'], train: split([0]) })).toThrow(/at least 2 classes/);
    expect(() => assembleDataset({ ...base, classNames: ['a', 'b', 'c'], train: split([0, 2]) })).toThrow(/class "b" has no training examples/);
    expect(() => assembleDataset({ ...base, classNames: ['a', 'b'], train: split([0, 1]), test: split([0, 5]) })).toThrow(/x \(test\): label 5/);
  });

  it('estimates bytes from headers and refuses what does not fit', () => {
    expect(estimateDatasetBytes({ height: 28, width: 28, channels: 1 }, 60_000, 10_000)).toBe(70_000 * 785);
    expect(() => checkFitsDevice(1000, { maxDatasetBytes: 2000 })).not.toThrow();
    const err = (() => {
      try {
        checkFitsDevice(3 * 1024 ** 2, { maxDatasetBytes: 1024 ** 2 }, 'huge');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).message).toMatch(/^huge: the dataset needs about 3\.0 MiB in memory, more than the 1\.0 MiB/);
  });
});
