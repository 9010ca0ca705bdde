// Image-folder uploads (a zip, or files picked from a folder): decodes each class/xxx.png with the browser's image
// decoder, resizes it, and builds a Dataset. The path logic lives in image-folder-layout.ts.
import { unzipSync } from 'fflate';
import type { Dataset, DatasetSplit, ImageShape } from '../dataset.ts';
import { DatasetError } from '../errors.ts';
import { groupImagePaths, isImagePath, type LabelledPath } from './image-folder-layout.ts';
import { assembleDataset, checkFitsDevice, checkShape, estimateDatasetBytes, type DeviceLimits } from '../validate.ts';

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

/** The background transparent pixels are composited on: white, as a PNG viewer or a sheet of paper shows them. */
export const TRANSPARENCY_BACKGROUND = 255;

/**
 * Writes RGBA pixels (non-premultiplied, as getImageData returns them) as grayscale (ITU-R BT.601 luma) or RGB
 * into `out` at `offset`. Each pixel is first composited over a white background (`c·α + 255·(1 − α)`), so
 * dark strokes on a transparent background stay visible instead of the transparent part turning black.
 */
export function rgbaToPixels(rgba: ArrayLike<number>, channels: 1 | 3, out: Uint8Array, offset: number): void {
  const n = rgba.length / 4;
  for (let p = 0; p < n; p++) {
    const alpha = (rgba[p * 4 + 3] ?? 255) / 255;
    const bg = TRANSPARENCY_BACKGROUND * (1 - alpha);
    const r = (rgba[p * 4] ?? 0) * alpha + bg;
    const g = (rgba[p * 4 + 1] ?? 0) * alpha + bg;
    const b = (rgba[p * 4 + 2] ?? 0) * alpha + bg;
    if (channels === 1) out[offset + p] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    else {
      out[offset + p * 3] = Math.round(r);
      out[offset + p * 3 + 1] = Math.round(g);
      out[offset + p * 3 + 2] = Math.round(b);
    }
  }
}

/** Entries from a folder upload: each File's webkitRelativePath (falling back to its name). */
export function entriesFromFiles(files: ArrayLike<File>): ImageEntry[] {
  return Array.from(files, (f) => ({ path: f.webkitRelativePath || f.name, blob: f }));
}

/**
 * Refuses a zip whose end-of-central-directory record lists more entries than the file could hold (each
 * central-directory entry takes at least 46 bytes, APPNOTE 4.3.12), before fflate walks that many entries.
 */
function checkZipDirectory(zip: Uint8Array, file: string): void {
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 65535); at--) {
    if (zip[at] === 0x50 && zip[at + 1] === 0x4b && zip[at + 2] === 0x05 && zip[at + 3] === 0x06) {
      const entries = (zip[at + 10] ?? 0) | ((zip[at + 11] ?? 0) << 8);
      if (entries * 46 > at) throw new DatasetError(file, `not a readable zip file: its directory lists ${entries} entries, more than its ${zip.length} bytes can hold (truncated or corrupt)`);
      return;
    }
  }
}

/**
 * Entries from a zip: images are unzipped, folders kept (as empty entries) so empty classes can be reported,
 * and every other file kept as an empty entry so the layout lists it as skipped (without unzipping it).
 */
export function entriesFromZip(zip: Uint8Array, file: string): ImageEntry[] {
  checkZipDirectory(zip, file);
  let files: Record<string, Uint8Array>;
  const others: string[] = [];
  try {
    files = unzipSync(zip, {
      filter: (f) => {
        // A damaged central directory reads as entries without names; stop there instead of listing garbage.
        if (f.name === '') throw new Error('an entry has no name');
        const keep = f.name.endsWith('/') || isImagePath(f.name);
        // Sizes a real entry cannot have (stored data is not smaller than itself; deflate expands at most
        // 1032:1) are refused before fflate allocates what the directory claims.
        if (keep && ((f.compression === 0 && f.size !== f.originalSize) || f.originalSize > f.size * 1032 + 1024)) {
          throw new Error(`entry ${f.name} claims ${f.originalSize} bytes from ${f.size} compressed`);
        }
        if (!keep) others.push(f.name);
        return keep;
      },
    });
  } catch (e) {
    throw new DatasetError(file, `not a readable zip file (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const entries = Object.entries(files).map(([path, bytes]) => ({ path, blob: new Blob([bytes as Uint8Array<ArrayBuffer>]) }));
  const none = new Blob([]);
  return [...entries, ...others.map((path) => ({ path, blob: none }))];
}

export interface ImageFolderOptions {
  id: string;
  name: string;
  height: number;
  width: number;
  channels: 1 | 3;
  limits?: DeviceLimits;
}

/** An image that could not be decoded: skipped, and listed by name in the upload summary. */
export interface SkippedImage {
  path: string;
  reason: string;
}

async function decodeSplit(items: LabelledPath[], blobs: Map<string, Blob>, shape: ImageShape, decode: ImageDecoder, tick: () => void, skipped: SkippedImage[]): Promise<DatasetSplit> {
  const per = shape.height * shape.width * shape.channels;
  const images = new Uint8Array(items.length * per);
  const labels = new Uint8Array(items.length);
  let count = 0;
  for (const item of items) {
    tick();
    const blob = blobs.get(item.path);
    if (!blob) {
      skipped.push({ path: item.path, reason: 'the file is missing' });
      continue;
    }
    let rgba: ArrayLike<number>;
    try {
      rgba = await decode(blob, { width: shape.width, height: shape.height });
    } catch (e) {
      skipped.push({ path: item.path, reason: e instanceof Error ? e.message : String(e) });
      continue;
    }
    if (rgba.length !== shape.width * shape.height * 4) {
      skipped.push({ path: item.path, reason: `the decoder returned ${rgba.length} bytes, expected ${shape.width * shape.height * 4}` });
      continue;
    }
    rgbaToPixels(rgba, shape.channels as 1 | 3, images, count * per);
    labels[count++] = item.label;
  }
  return count === items.length ? { images, labels, count } : { images: images.slice(0, count * per), labels: labels.slice(0, count), count };
}

function listed(paths: readonly string[], max = 10): string {
  return paths.length > max ? `${paths.slice(0, max).join(', ')} and ${paths.length - max} more` : paths.join(', ');
}

/** Refuses, by name, a class whose every training image failed to decode. */
function checkDecodedClasses(train: DatasetSplit, items: readonly LabelledPath[], classNames: readonly string[], skipped: readonly SkippedImage[], file: string): void {
  const seen = new Set(train.labels);
  const empty = classNames.filter((_, i) => !seen.has(i));
  if (empty.length === 0) return;
  const emptyLabels = new Set(empty.map((c) => classNames.indexOf(c)));
  const inEmpty = new Set(items.filter((i) => emptyLabels.has(i.label)).map((i) => i.path));
  const bad = skipped.filter((s) => inEmpty.has(s.path)).map((s) => `${s.path} (${s.reason})`);
  throw new DatasetError(file, `class${empty.length > 1 ? 'es' : ''} ${empty.map((c) => `"${c}"`).join(', ')} ha${empty.length > 1 ? 've' : 's'} no training images left: none of its images could be decoded: ${listed(bad, 5)}`);
}

/** Groups, checks the size, decodes and assembles; `onProgress(done, total)` counts images. */
export async function loadImageFolder(entries: ImageEntry[], options: ImageFolderOptions, decode: ImageDecoder = browserImageDecoder, onProgress?: (done: number, total: number) => void): Promise<Dataset> {
  const shape: ImageShape = { height: options.height, width: options.width, channels: options.channels };
  checkShape(shape, options.name);
  const layout = groupImagePaths(entries.map((e) => e.path), options.name);
  const total = layout.train.length + (layout.test?.length ?? 0) + (layout.valid?.length ?? 0);
  checkFitsDevice(estimateDatasetBytes(shape, total), options.limits, options.name);
  const blobs = new Map(entries.map((e) => [e.path, e.blob]));
  let done = 0;
  const tick = (): void => onProgress?.(++done, total);
  const skipped: SkippedImage[] = [];
  const train = await decodeSplit(layout.train, blobs, shape, decode, tick, skipped);
  const test = layout.test ? await decodeSplit(layout.test, blobs, shape, decode, tick, skipped) : null;
  const valid = layout.valid ? await decodeSplit(layout.valid, blobs, shape, decode, tick, skipped) : null;
  checkDecodedClasses(train, layout.train, layout.classNames, skipped, options.name);
  const notes: string[] = [];
  if (layout.test || layout.valid) {
    notes.push(`split folders used as splits: ${train.count} training${valid ? `, ${valid.count} validation` : ''}${test ? `, ${test.count} test` : ''} images (test and validation images are never trained on)`);
  }
  if (skipped.length > 0) notes.push(`${skipped.length} image${skipped.length > 1 ? 's' : ''} could not be decoded and ${skipped.length > 1 ? 'were' : 'was'} skipped: ${listed(skipped.map((s) => `${s.path} (${s.reason})`))}`);
  if (layout.ignored.length > 0) notes.push(`${layout.ignored.length} file${layout.ignored.length > 1 ? 's' : ''} skipped as not images: ${listed(layout.ignored)}`);
  if (entries.length > 0) notes.push('transparent pixels are composited on a white background');
  return assembleDataset({ id: options.id, name: options.name, source: 'upload', shape, classNames: layout.classNames, train, test, valid, notes });
}
