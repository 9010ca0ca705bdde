// Random and mutated bytes into every parser: each must finish and throw nothing but DatasetError. A parser
// that hangs on some input fails through the test's time limit; no case is timed, so the machine's speed and
// load cannot fail the test.
import { gzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseCifar } from '../../src/data/cifar.ts';
import { parseCsv } from '../../src/data/csv.ts';
import { DatasetError } from '../../src/data/errors.ts';
import { gunzip } from '../../src/data/gzip.ts';
import { parseIdxPair, peekIdxHeader } from '../../src/data/idx.ts';
import { entriesFromZip } from '../../src/data/image-folder.ts';
import { groupImagePaths } from '../../src/data/image-folder-layout.ts';
import { decodePng } from '../../src/data/png.ts';
import { parseSprite } from '../../src/data/sprite.ts';
import { cifarFile, cifarRecord, encodePng, idxImages, idxLabels, mulberry32 } from './make-files.ts';

const CASES = 300;
const meta = { id: 'f', name: 'fuzz', source: 'upload' as const };

function mutate(seed: Uint8Array, rnd: () => number): Uint8Array {
  const r = rnd();
  if (r < 0.15) return Uint8Array.from({ length: Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256));
  if (r < 0.3) return seed.subarray(0, Math.floor(rnd() * seed.length));
  const out = new Uint8Array([...seed, ...(rnd() < 0.2 ? [1, 2, 3] : [])]);
  const flips = 1 + Math.floor(rnd() * 6);
  // Headers are where parsers branch, so aim most flips at the first bytes.
  for (let i = 0; i < flips; i++) out[Math.floor(rnd() * (rnd() < 0.7 ? Math.min(40, out.length) : out.length))] = Math.floor(rnd() * 256);
  return out;
}

function fuzz(name: string, seeds: Uint8Array[], parse: (bytes: Uint8Array) => unknown, seed: number): void {
  it(`${name}: ${CASES} cases, only DatasetError`, () => {
    const rnd = mulberry32(seed);
    for (let i = 0; i < CASES; i++) {
      const input = mutate(seeds[i % seeds.length] ?? new Uint8Array(), rnd);
      try {
        parse(input);
      } catch (e) {
        if (!(e instanceof DatasetError)) throw new Error(`case ${i}: ${name} threw a non-DatasetError: ${String(e)}`);
      }
    }
  });
}

const images = idxImages(6, 4, 4);
const labels = idxLabels([0, 1, 2, 0, 1, 2]);
const csvShape = { height: 2, width: 2, channels: 1 };
const csv = new TextEncoder().encode('label,a,b,c,d\n1,0,10,20,30\n0,255,0,0,1\n2,3,4,5,6\n');
const cifar = cifarFile([cifarRecord([0], 1), cifarRecord([1], 2)]);
const png = encodePng(Uint8Array.from({ length: 4 * 4 * 3 }, (_, i) => i), 4, 4, 3);

describe('fuzz', () => {
  fuzz('gunzip', [gzipSync(images)], (b) => gunzip(b, 'f.gz', 1 << 20), 1);
  fuzz('IDX images', [images, gzipSync(images)], (b) => parseIdxPair(b, labels, 'f'), 2);
  fuzz('IDX labels', [labels, gzipSync(labels)], (b) => parseIdxPair(images, b, 'f', 3), 3);
  fuzz('IDX header peek', [images, gzipSync(images)], (b) => peekIdxHeader(b, 'f'), 4);
  fuzz('CIFAR', [cifar, gzipSync(cifar)], (b) => parseCifar([{ name: 'data_batch_1.bin', bytes: b }], meta), 5);
  fuzz('CSV', [csv, gzipSync(csv)], (b) => parseCsv(b, { labelColumn: 0, header: 'auto', shape: csvShape }, meta), 6);
  fuzz('PNG', [png], (b) => decodePng(b, 'f.png', 1 << 20), 7);
  fuzz('sprite labels', [Uint8Array.from([1, 0, 0, 1])], (b) => parseSprite(encodePng(new Uint8Array(2 * 4 * 1), 4, 2, 1), b, { id: 's', name: 's', shape: { height: 2, width: 2, channels: 1 }, classNames: ['a', 'b'], trainCount: 1 }), 8);
  fuzz('zip', [zipSync({ 'a/1.png': new Uint8Array([1]), 'b/2.png': new Uint8Array([2]) })], (b) => groupImagePaths(entriesFromZip(b, 'f.zip').map((e) => e.path)), 9);
});
