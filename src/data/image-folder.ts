// Image-folder uploads (a zip, or files picked from a folder): decodes each class/xxx.png with the browser's image
// decoder, resizes it, and builds a Dataset. The path logic lives in image-folder-layout.ts.
import { unzipSync } from 'fflate';
import type { Dataset, DatasetSplit, ImageShape } from './dataset.ts';
import { DatasetError } from './errors.ts';
import { groupImagePaths, isImagePath, type LabelledPath } from './image-folder-layout.ts';
import { assembleDataset, checkFitsDevice, checkShape, estimateDatasetBytes, type DeviceLimits } from './validate.ts';

export interface ImageEntry {
  /** Relative path, e.g. "cats/001.png" (a path ending in "/" is a folder). */
  path: string;
  blob: Blob;
}

/** Decodes an image and resizes it to the size given, returning RGBA bytes (width × height × 4). */
export type ImageDecoder = (blob: Blob, size: { width: number; height: number }) => Promise<Uint8ClampedArray | Uint8Array>;

/** The browser decoder: createImageBitmap resizes, an OffscreenCanvas gives the pixels (works in a worker). */
export const browserImageDecoder: ImageDecoder = async (blob, { width, height }) => {
  const bitmap = await createImageBitmap(blob, { resizeWidth: width, resizeHeight: height, resizeQuality: 'high' });
  try {
    const ctx = new OffscreenCanvas(width, height).getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context');
    ctx.drawImage(bitmap, 0, 0, width, height);
    return ctx.getImageData(0, 0, width, height).data;
  } finally {
    bitmap.close();
  }
};

/** Writes RGBA pixels as grayscale (ITU-R BT.601 luma) or RGB into `out` at `offset`; alpha is dropped. */
export function rgbaToPixels(rgba: ArrayLike<number>, channels: 1 | 3, out: Uint8Array, offset: number): void {
  const n = rgba.length / 4;
  for (let p = 0; p < n; p++) {
    const r = rgba[p * 4] ?? 0;
    const g = rgba[p * 4 + 1] ?? 0;
    const b = rgba[p * 4 + 2] ?? 0;
    if (channels === 1) out[offset + p] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    else {
      out[offset + p * 3] = r;
      out[offset + p * 3 + 1] = g;
      out[offset + p * 3 + 2] = b;
    }
  }
}

/** Entries from a folder upload: each File's webkitRelativePath (falling back to its name). */
export function entriesFromFiles(files: ArrayLike<File>): ImageEntry[] {
  return Array.from(files, (f) => ({ path: f.webkitRelativePath || f.name, blob: f }));
}

/** Entries from a zip: images are unzipped, folders kept (as empty entries) so empty classes can be reported. */
export function entriesFromZip(zip: Uint8Array, file: string): ImageEntry[] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, { filter: (f) => f.name.endsWith('/') || isImagePath(f.name) });
  } catch (e) {
    throw new DatasetError(file, `not a readable zip file (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  return Object.entries(files).map(([path, bytes]) => ({ path, blob: new Blob([bytes as Uint8Array<ArrayBuffer>]) }));
}

export interface ImageFolderOptions {
  id: string;
  name: string;
  height: number;
  width: number;
  channels: 1 | 3;
  limits?: DeviceLimits;
}

async function decodeSplit(items: LabelledPath[], blobs: Map<string, Blob>, shape: ImageShape, decode: ImageDecoder, tick: () => void): Promise<DatasetSplit> {
  const per = shape.height * shape.width * shape.channels;
  const images = new Uint8Array(items.length * per);
  const labels = new Uint8Array(items.length);
  for (const [i, item] of items.entries()) {
    const blob = blobs.get(item.path);
    if (!blob) throw new DatasetError(item.path, 'the file is missing');
    let rgba: ArrayLike<number>;
    try {
      rgba = await decode(blob, { width: shape.width, height: shape.height });
    } catch (e) {
      throw new DatasetError(item.path, `could not decode this image (${e instanceof Error ? e.message : String(e)})`, { cause: e });
    }
    if (rgba.length !== shape.width * shape.height * 4) throw new DatasetError(item.path, `the decoder returned ${rgba.length} bytes, expected ${shape.width * shape.height * 4}`);
    rgbaToPixels(rgba, shape.channels as 1 | 3, images, i * per);
    labels[i] = item.label;
    tick();
  }
  return { images, labels, count: items.length };
}

/** Groups, checks the size, decodes and assembles; `onProgress(done, total)` counts images. */
export async function loadImageFolder(entries: ImageEntry[], options: ImageFolderOptions, decode: ImageDecoder = browserImageDecoder, onProgress?: (done: number, total: number) => void): Promise<Dataset> {
  const shape: ImageShape = { height: options.height, width: options.width, channels: options.channels };
  checkShape(shape, options.name);
  const layout = groupImagePaths(entries.map((e) => e.path), options.name);
  const total = layout.train.length + (layout.test?.length ?? 0);
  checkFitsDevice(estimateDatasetBytes(shape, total), options.limits, options.name);
  const blobs = new Map(entries.map((e) => [e.path, e.blob]));
  let done = 0;
  const tick = (): void => onProgress?.(++done, total);
  const train = await decodeSplit(layout.train, blobs, shape, decode, tick);
  const test = layout.test ? await decodeSplit(layout.test, blobs, shape, decode, tick) : null;
  return assembleDataset({ id: options.id, name: options.name, source: 'upload', shape, classNames: layout.classNames, train, test });
}
