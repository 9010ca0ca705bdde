// A synthetic dataset of any size, generated from a seed: the stand-in for a large real dataset (CIFAR-10 is
// 184 MB) where the tests cannot ship one. Class c of `numClasses` is a bright horizontal band at a height
// that depends on c, over seeded noise, so a network can learn it in a few batches.
import type { Dataset, ImageShape } from '../dataset.ts';
import { assembleDataset, digitClassNames } from '../validate.ts';

export interface SyntheticSpec {
  id: string;
  name: string;
  /** Bytes of pixels + labels to generate (the training split; there is no test split). */
  bytes: number;
  seed: number;
  shape?: ImageShape;
  numClasses?: number;
}

/**
 * Generates `floor(bytes / (h·w·c + 1))` images (at least one per class) in NHWC uint8 order; the same seed
 * always gives the same bytes. Labels cycle 0..numClasses-1.
 */
export function syntheticDataset(spec: SyntheticSpec): Dataset {
  const shape = spec.shape ?? { height: 32, width: 32, channels: 3 };
  const numClasses = spec.numClasses ?? 10;
  const per = shape.height * shape.width * shape.channels;
  const count = Math.max(numClasses, Math.floor(spec.bytes / (per + 1)));
  const images = new Uint8Array(count * per);
  const labels = new Uint8Array(count);
  const row = shape.width * shape.channels;
  const band = Math.max(1, Math.floor(shape.height / numClasses));
  let s = spec.seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    const c = i % numClasses;
    labels[i] = c;
    const top = Math.min(shape.height - band, c * band);
    const base = i * per;
    for (let p = 0; p < per; p++) {
      // xorshift32: cheap enough for hundreds of megabytes.
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const y = Math.floor(p / row);
      images[base + p] = y >= top && y < top + band ? 192 + ((s >>> 0) & 63) : (s >>> 0) & 63;
    }
  }
  return assembleDataset({
    id: spec.id,
    name: spec.name,
    source: 'upload',
    shape,
    classNames: digitClassNames(numClasses),
    train: { images, labels, count },
    test: null,
    notes: [`synthetic: ${count} images generated from seed ${spec.seed}`],
  });
}
