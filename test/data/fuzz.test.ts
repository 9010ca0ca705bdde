// Random, mutated and truncated inputs into every parser, from fixed seeds: each must finish and throw nothing
// but DatasetError. The counts are printed. A parser that hangs on some input fails through the test's time
// limit; the per-input limit (HANG_MS) is far above any input's time, so the machine's load cannot fail it.
import { gzipSync, zipSync } from 'fflate';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { parseCifar } from '../../src/data/formats/cifar.ts';
import { parseCsv } from '../../src/data/formats/csv.ts';
import { DatasetError } from '../../src/data/errors.ts';
import { gunzip } from '../../src/data/formats/gzip.ts';
import { parseIdxPair, peekIdxHeader } from '../../src/data/formats/idx.ts';
import { entriesFromZip } from '../../src/data/formats/image-folder.ts';
import { groupImagePaths } from '../../src/data/formats/image-folder-layout.ts';
import { decodePng } from '../../src/data/formats/png.ts';
import { parseSprite } from '../../src/data/formats/sprite.ts';
import { cifarFile, cifarRecord, encodePng, idxImages, idxLabels, mulberry32, tarArchive } from './make-files.ts';

/** Inputs per parser for the formats users upload (IDX, CIFAR, CSV, zip, PNG, image-folder layout). */
const CASES = 10_000;
/** Inputs for the helpers those parsers share (gzip, the IDX header peek, sprite labels). */
const HELPER_CASES = 1_000;
/**
 * An input slower than this is counted as a hang. It is far above any input here (a few kB); a parser that
 * truly loops fails through the test's own time limit, as a synchronous call cannot be interrupted.
 */
const HANG_MS = 10_000;
const meta = { id: 'f', name: 'fuzz', source: 'upload' as const };

function mutate(seed: Uint8Array, rnd: () => number): Uint8Array {
  const r = rnd();
  if (r < 0.1) return Uint8Array.from({ length: Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256));
  // Truncated at a random point, the commonest damage a download or a copy does.
  if (r < 0.35) return seed.slice(0, Math.floor(rnd() * seed.length));
  const out = new Uint8Array(seed.length + (rnd() < 0.2 ? 3 : 0));
  out.set(seed);
  if (out.length > seed.length) out.set([1, 2, 3], seed.length);
  const flips = 1 + Math.floor(rnd() * 6);
  // Headers are where parsers branch, so aim most flips at the first bytes.
  for (let i = 0; i < flips; i++) out[Math.floor(rnd() * (rnd() < 0.7 ? Math.min(40, out.length) : out.length))] = Math.floor(rnd() * 256);
  return out;
}

interface Tally {
  accepted: number;
  refused: number;
  slowestMs: number;
  hangs: number;
}

/** Runs `cases` inputs through `run`; anything thrown but a DatasetError fails the test at once. */
function runCases<T>(name: string, cases: number, make: (rnd: () => number, i: number) => T, run: (input: T) => unknown, seed: number): Tally {
  const rnd = mulberry32(seed);
  const t: Tally = { accepted: 0, refused: 0, slowestMs: 0, hangs: 0 };
  for (let i = 0; i < cases; i++) {
    const input = make(rnd, i);
    const t0 = performance.now();
    try {
      run(input);
      t.accepted++;
    } catch (e) {
      if (!(e instanceof DatasetError)) throw new Error(`case ${i}: ${name} threw a non-DatasetError: ${String(e)}`, { cause: e });
      t.refused++;
    }
    const ms = performance.now() - t0;
    t.slowestMs = Math.max(t.slowestMs, ms);
    if (ms > HANG_MS) t.hangs++;
  }
  console.log(`fuzz ${name}: ${cases} inputs (seed ${seed}): ${t.accepted} accepted, ${t.refused} refused with a DatasetError, 0 crashes, ${t.hangs} hangs, slowest ${t.slowestMs.toFixed(0)} ms`);
  return t;
}

function fuzz(name: string, seeds: Uint8Array[], parse: (bytes: Uint8Array) => unknown, seed: number, cases = CASES): void {
  it(`${name}: ${cases} mutated and truncated inputs, only DatasetError, no hang`, () => {
    const t = runCases(name, cases, (rnd, i) => mutate(seeds[i % seeds.length] ?? new Uint8Array(), rnd), parse, seed);
    expect(t.accepted + t.refused).toBe(cases);
    expect(t.hangs).toBe(0);
  });
}

const SEGMENTS = ['train', 'valid', 'val', 'test', 'cats', 'dogs', 'a', 'b', '.DS_Store', '__MACOSX', '', '..', 'x.png', '1.jpg', 'notes.txt', 'TEST', 'dev'];

/** A random list of paths built from dataset-like segments, some ending in "/" (folders). */
function randomPaths(rnd: () => number): string[] {
  return Array.from({ length: Math.floor(rnd() * 12) }, () => {
    const parts = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => SEGMENTS[Math.floor(rnd() * SEGMENTS.length)] ?? '');
    const path = parts.join(rnd() < 0.1 ? '\\' : '/');
    return rnd() < 0.15 ? `${path}/` : rnd() < 0.8 ? `${path}/${Math.floor(rnd() * 5)}.png` : path;
  });
}

const images = idxImages(6, 4, 4);
const labels = idxLabels([0, 1, 2, 0, 1, 2]);
const csvShape = { height: 2, width: 2, channels: 1 };
const csv = new TextEncoder().encode('label,a,b,c,d\n1,0,10,20,30\n0,255,0,0,1\n2,3,4,5,6\n');
// Every CIFAR-10 class once, so an unmutated batch is accepted.
const cifar = cifarFile(Array.from({ length: 10 }, (_, c) => cifarRecord([c], c)));
const csvQuoted = new TextEncoder().encode('\uFEFF"label";"a";"b";"c";"d"\r\n"x, y";0;1;2;3\r\n"z";4;5;6;7\r\n');
const pngPalette = encode({ width: 4, height: 4, data: Uint8Array.from({ length: 16 }, (_, i) => i % 3), depth: 8, channels: 1, palette: [[0, 0, 0], [255, 0, 0], [0, 255, 0]] });
const png16 = encode({ width: 4, height: 4, data: Uint16Array.from({ length: 64 }, (_, i) => i * 1000), depth: 16, channels: 4 });
const pngInterlaced = encode({ width: 5, height: 5, data: Uint8Array.from({ length: 75 }, (_, i) => i), depth: 8, channels: 3 }, { interlace: 'Adam7' });
const png = encodePng(Uint8Array.from({ length: 4 * 4 * 3 }, (_, i) => i), 4, 4, 3);

const cifarTar = tarArchive([
  { name: 'cifar-10-batches-bin/' },
  { name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: cifarFile(Array.from({ length: 10 }, (_, c) => cifarRecord([c], c))) },
  { name: 'cifar-10-batches-bin/batches.meta.txt', bytes: new TextEncoder().encode('a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n') },
  { name: 'cifar-10-batches-bin/test_batch.bin', bytes: cifarFile([cifarRecord([5], 3)]) },
]);

describe('fuzz', () => {
  fuzz('gunzip', [gzipSync(images), new Uint8Array([...gzipSync(images), ...gzipSync(labels)])], (b) => gunzip(b, 'f.gz', 1 << 20), 1, HELPER_CASES);
  fuzz('IDX images', [images, gzipSync(images)], (b) => parseIdxPair(b, labels, 'f'), 2);
  fuzz('IDX labels', [labels, gzipSync(labels)], (b) => parseIdxPair(images, b, 'f', 3), 3);
  fuzz('IDX header peek', [images, gzipSync(images)], (b) => peekIdxHeader(b, 'f'), 4, HELPER_CASES);
  fuzz('CIFAR', [cifar, gzipSync(cifar)], (b) => parseCifar([{ name: 'data_batch_1.bin', bytes: b }], meta), 5);
  fuzz('CSV', [csv, gzipSync(csv), csvQuoted], (b) => parseCsv(b, { labelColumn: 0, header: 'auto', shape: csvShape }, meta), 6);
  fuzz('CSV (shape and range inferred)', [csv, csvQuoted], (b) => parseCsv(b, { labelColumn: 0, header: 'auto' }, meta), 10);
  fuzz('PNG', [png], (b) => decodePng(b, 'f.png', 1 << 20), 7);
  fuzz('sprite labels', [Uint8Array.from([1, 0, 0, 1])], (b) => parseSprite(encodePng(new Uint8Array(2 * 4 * 1), 4, 2, 1), b, { id: 's', name: 's', shape: { height: 2, width: 2, channels: 1 }, classNames: ['a', 'b'], trainCount: 1 }), 8, HELPER_CASES);
  fuzz('zip', [zipSync({ 'a/1.png': new Uint8Array([1]), 'b/2.png': new Uint8Array([2]) }), zipSync({ 'd/train/a/1.png': new Uint8Array([1]), 'd/test/b/2.png': new Uint8Array([2]), 'd/x.txt': new Uint8Array([3]) })], (b) => groupImagePaths(entriesFromZip(b, 'f.zip').map((e) => e.path)), 9);
  fuzz('tar (CIFAR-10 binary archive)', [cifarTar, gzipSync(cifarTar)], (b) => parseCifar([{ name: 'cifar-10-binary.tar.gz', bytes: b }], meta), 12);
  fuzz('PNG (palette, 16-bit, interlaced)', [pngPalette, png16, pngInterlaced], (b) => decodePng(b, 'f.png', 1 << 20), 11);
  it(`image-folder layout: ${CASES} random path lists, only DatasetError, no hang`, () => {
    const t = runCases('image-folder layout', CASES, (rnd) => randomPaths(rnd), (paths) => groupImagePaths(paths, 'f'), 12);
    expect(t.accepted + t.refused).toBe(CASES);
    expect(t.accepted).toBeGreaterThan(0);
    expect(t.hangs).toBe(0);
  });
});
