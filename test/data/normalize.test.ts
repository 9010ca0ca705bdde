import { describe, expect, it } from 'vitest';
import { channelStats, normalizeImages } from '../../src/data/normalize.ts';

describe('normalize', () => {
  // Two 1×2 images with 2 channels: channel 0 = 0, 255, 0, 255; channel 1 constant 51.
  const images = Uint8Array.from([0, 51, 255, 51, 0, 51, 255, 51]);
  const shape = { height: 1, width: 2, channels: 2 };
  it('computes per-channel mean and std on the chosen images', () => {
    const s = channelStats(images, shape);
    expect(s.mean[0]).toBeCloseTo(0.5, 9);
    expect(s.std[0]).toBeCloseTo(0.5, 9);
    expect(s.mean[1]).toBeCloseTo(0.2, 9);
    expect(s.std[1]).toBeCloseTo(0, 6);
    const first = channelStats(Uint8Array.from([10, 0, 30, 0, 200, 0, 200, 0]), shape, [0]);
    expect(first.mean[0]).toBeCloseTo(20 / 255, 9);
  });
  it('normalises with the stats, centring constant channels without dividing by zero', () => {
    const s = channelStats(images, shape);
    const x = normalizeImages(images, shape, [1], s);
    expect(Array.from(x).map((v) => Number(v.toFixed(5)))).toEqual([-1, 0, 1, 0]);
  });
  it('rejects bad indices', () => {
    expect(() => normalizeImages(images, shape, [2], { mean: [0, 0], std: [1, 1] })).toThrow(/index 2 at position 0 is out of range \[0, 2\)/);
  });
});
