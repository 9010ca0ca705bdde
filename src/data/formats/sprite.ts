// Parser for the TF.js example "sprite" datasets: a PNG with one flattened image per row plus one-hot uint8 labels.
import type { Dataset, DatasetSplit, ImageShape } from '../dataset.ts';
import { DatasetError } from '../errors.ts';
import { decodePng } from './png.ts';
import { assembleDataset } from '../validate.ts';

export interface SpriteSpec {
  id: string;
  name: string;
  shape: ImageShape;
  classNames: string[];
  /** The first `trainCount` rows are the training split, the rest the test split. */
  trainCount: number;
}

function oneHotToLabels(oneHot: Uint8Array, count: number, numClasses: number, file: string): Uint8Array {
  if (oneHot.length !== count * numClasses) {
    throw new DatasetError(file, `${oneHot.length} label bytes, expected ${count} images × ${numClasses} classes = ${count * numClasses}`);
  }
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if ((oneHot[i * numClasses + c] ?? 0) > (oneHot[i * numClasses + best] ?? 0)) best = c;
    if ((oneHot[i * numClasses + best] ?? 0) === 0) throw new DatasetError(file, `the one-hot label of image ${i} is all zeros`);
    labels[i] = best;
  }
  return labels;
}

function rowsToSplit(png: { data: Uint8Array; channels: number; width: number }, labels: Uint8Array, shape: ImageShape, from: number, to: number): DatasetSplit {
  const per = shape.height * shape.width * shape.channels;
  const images = new Uint8Array((to - from) * per);
  const pixels = shape.height * shape.width;
  for (let r = from; r < to; r++) {
    const src = r * png.width * png.channels;
    const dst = (r - from) * per;
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < shape.channels; c++) images[dst + p * shape.channels + c] = png.data[src + p * png.channels + c] ?? 0;
    }
  }
  return { images, labels: labels.slice(from, to), count: to - from };
}

export function parseSprite(png: Uint8Array, oneHotLabels: Uint8Array, spec: SpriteSpec): Dataset {
  const file = `${spec.name} sprite`;
  const img = decodePng(png, file);
  const pixels = spec.shape.height * spec.shape.width;
  if (img.width !== pixels) throw new DatasetError(file, `the sprite is ${img.width} px wide, expected ${pixels} (one ${spec.shape.height}×${spec.shape.width} image per row)`);
  if (spec.shape.channels === 3 && img.channels < 3) throw new DatasetError(file, 'the sprite is grayscale but RGB images were expected');
  const labels = oneHotToLabels(oneHotLabels, img.height, spec.classNames.length, `${spec.name} labels`);
  const trainCount = Math.min(spec.trainCount, img.height);
  const train = rowsToSplit(img, labels, spec.shape, 0, trainCount);
  const test = trainCount < img.height ? rowsToSplit(img, labels, spec.shape, trainCount, img.height) : null;
  return assembleDataset({ id: spec.id, name: spec.name, source: 'download', shape: spec.shape, classNames: spec.classNames, train, test });
}
