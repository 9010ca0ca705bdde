import { describe, expect, it } from 'vitest';
import { fnv1a32, indicesPerClass, labelHistogram, splitChecksum } from '../../src/data/stats.ts';
import { subsetDataset, subsetPerClass } from '../../src/data/subset.ts';
import { mulberry32 } from './make-files.ts';

const shape = { height: 1, width: 2, channels: 1 };
const labels = Uint8Array.from({ length: 40 }, (_, i) => (i * 7) % 3);
const split = { images: Uint8Array.from({ length: 80 }, (_, i) => Math.floor(i / 2)), labels, count: 40 };

describe('stats', () => {
  it('counts labels, hashes bytes (FNV-1a test vectors) and lists examples per class', () => {
    expect(labelHistogram(Uint8Array.from([0, 2, 2, 1, 2]), 3)).toEqual([1, 1, 3]);
    expect(fnv1a32(new Uint8Array())).toBe(0x811c9dc5);
    expect(fnv1a32(new TextEncoder().encode('a'))).toBe(0xe40c292c);
    expect(fnv1a32(new TextEncoder().encode('foobar'))).toBe(0xbf9cf968);
    expect(splitChecksum(split)).not.toBe(splitChecksum({ ...split, labels: labels.map((l) => (l + 1) % 3) }));
    expect(indicesPerClass(Uint8Array.from([1, 0, 1, 1, 0]), 3, 2)).toEqual([[1, 4], [0, 2], []]);
  });
});

describe('subset', () => {
  it('takes N per class, in original order, deterministically per seed', () => {
    const a = subsetPerClass(split, shape, 3, 4, mulberry32(7));
    const b = subsetPerClass(split, shape, 3, 4, { next: mulberry32(7) });
    const c = subsetPerClass(split, shape, 3, 4, mulberry32(8));
    expect(a).toEqual(b);
    expect(a.images).not.toEqual(c.images);
    expect(labelHistogram(a.labels, 3)).toEqual([4, 4, 4]);
    // Pixel value = original index, so the order of the picked examples is visible.
    const picked = Array.from({ length: a.count }, (_, i) => a.images[i * 2] ?? -1);
    expect(picked).toEqual([...picked].sort((x, y) => x - y));
    picked.forEach((src, i) => expect(a.labels[i]).toBe(labels[src]));
  });

  it('keeps all of a small class and refuses a bad count', () => {
    const s = subsetPerClass(split, shape, 3, 1000, mulberry32(1));
    expect(s.count).toBe(40);
    expect(() => subsetPerClass(split, shape, 3, 0, mulberry32(1))).toThrow(/positive integer, got 0/);
  });

  it('cuts a dataset’s splits', () => {
    const d = { id: 'd', name: 'd', source: 'upload' as const, shape, numClasses: 3, classNames: ['a', 'b', 'c'], train: split, test: split };
    const s = subsetDataset(d, 2, mulberry32(3), 1);
    expect([s.train.count, s.test?.count]).toEqual([6, 3]);
    expect(subsetDataset(d, 2, mulberry32(3)).test).toBe(split);
  });
});
