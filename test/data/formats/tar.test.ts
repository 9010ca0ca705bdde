// The streaming tar reader: archives written by GNU tar itself (ustar, pax and GNU long names) and by the test
// helper, fed whole or in small chunks, raw or gzipped; truncated and corrupt archives are refused by name.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { TarReader, isTarName, readTar } from '../../../src/data/formats/tar.ts';
import { tarArchive } from '../make-files.ts';

const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 251);

/** An archive written by the system's GNU tar in the given format, from files under one folder. */
function gnuTar(format: 'ustar' | 'pax' | 'gnu', files: Record<string, Uint8Array>, gzip: boolean): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'tar-test-'));
  for (const [name, b] of Object.entries(files)) {
    mkdirSync(join(dir, 'src', name, '..'), { recursive: true });
    writeFileSync(join(dir, 'src', name), b);
  }
  const out = join(dir, gzip ? 'a.tar.gz' : 'a.tar');
  execFileSync('tar', [`--format=${format}`, gzip ? '-czf' : '-cf', out, '-C', join(dir, 'src'), ...Object.keys(files)]);
  return new Uint8Array(readFileSync(out));
}

const files = {
  'cifar-10-batches-bin/data_batch_1.bin': bytes(3073 * 3, 1),
  'cifar-10-batches-bin/batches.meta.txt': new TextEncoder().encode('airplane\nautomobile\n'),
  'cifar-10-batches-bin/empty.txt': new Uint8Array(0),
  [`cifar-10-batches-bin/${'a-very-long-folder-name-'.repeat(5)}/x.bin`]: bytes(700, 2),
};

describe('readTar', () => {
  for (const format of ['gnu', 'pax'] as const) {
    it(`reads GNU tar's ${format} archives, raw and gzipped, with long names`, () => {
      for (const gzip of [false, true]) {
        const got = readTar(gnuTar(format, files, gzip), 'a.tar');
        expect(Object.fromEntries(got.files.map((f) => [f.name, Array.from(f.bytes)]))).toEqual(
          Object.fromEntries(Object.entries(files).map(([n, b]) => [n, Array.from(b)])));
        expect(got.skipped).toEqual([]);
      }
    });
  }

  it('gives the same files when fed in chunks of any size', () => {
    const archive = tarArchive([{ name: 'd/' }, { name: 'd/a.bin', bytes: bytes(1000, 3) }, { name: 'd/b.bin', bytes: bytes(512, 4) }]);
    for (const size of [1, 7, 511, 512, 513, 4096]) {
      const reader = new TarReader('a.tar');
      for (let at = 0; at < archive.length; at += size) reader.push(archive.subarray(at, at + size));
      const got = reader.end();
      expect(got.files.map((f) => [f.name, f.bytes.length])).toEqual([['d/a.bin', 1000], ['d/b.bin', 512]]);
      expect(Array.from(got.files[0]!.bytes)).toEqual(Array.from(bytes(1000, 3)));
    }
  });

  it('refuses an archive cut inside a file, naming the archive and the entry', () => {
    const archive = gzipSync(tarArchive([{ name: 'data_batch_1.bin', bytes: bytes(5000, 5) }]).subarray(0, 512 + 3000));
    expect(() => readTar(archive, 'cifar-10-binary.tar.gz')).toThrow(/^cifar-10-binary\.tar\.gz: the tar archive is truncated: data_batch_1\.bin announces 5000 bytes but only 3000 are present/);
  });

  it('refuses a cut gzip stream and data that is not a tar archive', () => {
    const gz = gzipSync(tarArchive([{ name: 'a.bin', bytes: bytes(5000, 6) }]));
    expect(() => readTar(gz.subarray(0, gz.length - 100), 'x.tar.gz')).toThrow(/^x\.tar\.gz: the gzip data is truncated or corrupt/);
    expect(() => readTar(bytes(2048, 7), 'x.tar')).toThrow(/^x\.tar: not a tar archive, or corrupt: the header at byte 0 has a bad checksum/);
    expect(() => readTar(new Uint8Array(0), 'x.tar')).toThrow(/^x\.tar: the tar archive is empty/);
  });

  it('refuses content above the size limit', () => {
    expect(() => readTar(tarArchive([{ name: 'a.bin', bytes: bytes(2000, 8) }]), 'x.tar', 1000)).toThrow(/more than 1000 bytes/);
  });

  it('recognises archive names', () => {
    expect(['a.tar', 'cifar-10-binary.tar.gz', 'b.TGZ'].map(isTarName)).toEqual([true, true, true]);
    expect(['a.bin.gz', 'tar.bin', 'a.zip'].map(isTarName)).toEqual([false, false, false]);
  });
});
