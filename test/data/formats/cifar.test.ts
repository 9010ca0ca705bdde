import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CIFAR100_COARSE_CLASSES, parseCifar } from '../../../src/data/formats/cifar.ts';
import { cifarFile, cifarRecord } from '../make-files.ts';

const meta = { id: 'c', name: 'cifar', source: 'upload' as const };
const all10 = (seed: number): number[][] => Array.from({ length: 10 }, (_, l) => cifarRecord([l], seed + l));

describe('CIFAR', () => {
  it('parses CIFAR-10 batches, concatenates them, converts CHW to NHWC and uses test_batch as test', () => {
    const d = parseCifar(
      [
        { name: 'data_batch_1.bin', bytes: cifarFile(all10(0)) },
        { name: 'data_batch_2.bin', bytes: gzipSync(cifarFile([cifarRecord([3], 100)])) },
        { name: 'cifar-10-batches-bin/test_batch.bin', bytes: cifarFile([cifarRecord([7], 5), cifarRecord([2], 6)]) },
      ],
      meta,
    );
    expect(d.shape).toEqual({ height: 32, width: 32, channels: 3 });
    expect(d.classNames[0]).toBe('airplane');
    expect(d.train.count).toBe(11);
    expect(Array.from(d.train.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3]);
    expect(Array.from(d.test?.labels ?? [])).toEqual([7, 2]);
    // Record 10 (seed 100): pixel p, channel c = (100 + 50c + p) % 256.
    const px = (rec: number, p: number, c: number): number => d.train.images[rec * 3072 + p * 3 + c] ?? -1;
    expect([px(10, 0, 0), px(10, 0, 1), px(10, 0, 2), px(10, 5, 2)]).toEqual([100, 150, 200, 205]);
  });

  it('parses CIFAR-100 with fine or coarse labels', () => {
    const recs = Array.from({ length: 100 }, (_, f) => cifarRecord([f % 20, f], f));
    const fine = parseCifar([{ name: 'train.bin', bytes: cifarFile(recs) }], meta);
    expect(fine.numClasses).toBe(100);
    expect(fine.train.labels[42]).toBe(42);
    const coarse = parseCifar([{ name: 'train.bin', bytes: cifarFile(recs) }, { name: 'test.bin', bytes: cifarFile(recs.slice(0, 20)) }], meta, { labels: 'coarse', variant: 'cifar100' });
    expect(coarse.classNames).toEqual(CIFAR100_COARSE_CLASSES);
    expect(coarse.train.labels[42]).toBe(2);
    expect(coarse.test?.count).toBe(20);
  });

  it('refuses record-size mismatches, bad labels and missing training batches', () => {
    const good = cifarFile(all10(0));
    expect(() => parseCifar([{ name: 'odd.bin', bytes: good.subarray(0, 5000) }], meta)).toThrow(/^odd\.bin: not CIFAR binary batches/);
    expect(() => parseCifar([{ name: 'odd.bin', bytes: good.subarray(0, 5000) }], meta, { variant: 'cifar10' })).toThrow(/^odd\.bin: truncated or not a CIFAR-10 batch: 5000 bytes is 1 whole 3073-byte records and 1927 bytes over \(the last record is 1146 bytes short\)/);
    expect(() => parseCifar([{ name: 'b.bin', bytes: cifarFile([...all10(0), cifarRecord([12], 0)]) }], meta)).toThrow(/label 12 of record 10 is out of range/);
    expect(() => parseCifar([{ name: 'test_batch.bin', bytes: good }], meta)).toThrow(/only test batches/);
    expect(() => parseCifar([], meta)).toThrow(/no CIFAR batch files/);
  });
});
