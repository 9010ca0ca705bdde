// Summary numbers about a split: label histogram, a pixel checksum, and example indices per class for thumbnails.
import type { DatasetSplit } from './dataset.ts';

export function labelHistogram(labels: Uint8Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const l of labels) if (l < numClasses) counts[l] = (counts[l] ?? 0) + 1;
  return counts;
}

/** 32-bit FNV-1a over the bytes: cheap, and enough to tell whether two copies of a dataset are identical. */
export function fnv1a32(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i] ?? 0;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Checksum of a split: its pixels followed by its labels, as an 8-digit hex string. */
export function splitChecksum(split: DatasetSplit): string {
  return fnv1a32(split.labels, fnv1a32(split.images)).toString(16).padStart(8, '0');
}

/** Up to `perClass` example indices of each class, in dataset order (the first ones, so the picker is stable). */
export function indicesPerClass(labels: Uint8Array, numClasses: number, perClass = Number.POSITIVE_INFINITY): number[][] {
  const out: number[][] = Array.from({ length: numClasses }, () => []);
  let open = numClasses;
  for (let i = 0; i < labels.length && open > 0; i++) {
    const bucket = out[labels[i] ?? 0];
    if (!bucket || bucket.length >= perClass) continue;
    bucket.push(i);
    if (bucket.length === perClass) open--;
  }
  return out;
}
