// MNIST for the Node search benchmarks, downsampled to 14×14 (2×2 means) so a CPU-only search of many jobs
// fits in minutes; the figures say so.

import type { Dataset } from '../../src/data/dataset.ts';
import { loadDatasetFromDisk } from '../../src/cli/load-dataset.ts';

export function mnist14(): Dataset {
  const full = loadDatasetFromDisk('mnist');
  const { count } = full.train;
  const images = new Uint8Array(count * 14 * 14);
  const src = full.train.images;
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < 14; y++) {
      for (let x = 0; x < 14; x++) {
        const o = n * 784 + 2 * y * 28 + 2 * x;
        images[n * 196 + y * 14 + x] = ((src[o] ?? 0) + (src[o + 1] ?? 0) + (src[o + 28] ?? 0) + (src[o + 29] ?? 0)) >> 2;
      }
    }
  }
  return { ...full, id: 'mnist14', name: 'MNIST 14×14', shape: { height: 14, width: 14, channels: 1 },
    train: { images, labels: full.train.labels, count }, test: null };
}
