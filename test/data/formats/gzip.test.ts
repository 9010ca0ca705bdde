import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../../src/data/errors.ts';
import { gunzip, gunzipPrefix, isGzip, maybeGunzip } from '../../../src/data/formats/gzip.ts';

const data = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 31) % 253);
const gz = gzipSync(data);

describe('gzip', () => {
  it('detects the magic and round-trips', () => {
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(data)).toBe(false);
    expect(gunzip(gz, 'f.gz')).toEqual(data);
    expect(maybeGunzip(data, 'f')).toBe(data);
  });

  it.each([gz.length - 1, gz.length - 4, gz.length - 8, Math.floor(gz.length / 2), 12])('refuses a gzip cut to %i bytes', (n) => {
    expect(() => gunzip(gz.subarray(0, n), 'cut.gz')).toThrow(/cut\.gz: the gzip data is truncated/);
  });

  it('refuses corrupt data and output over the limit', () => {
    const bad = gz.slice();
    bad.set([(bad[20] ?? 0) ^ 0xff, (bad[21] ?? 0) ^ 0x5a], 20);
    expect(() => gunzip(bad, 'bad.gz')).toThrow(DatasetError);
    expect(() => gunzip(gz, 'big.gz', 1000)).toThrow(/more than 1000 bytes/);
  });

  it('expands only a prefix, even of a truncated file', () => {
    expect(gunzipPrefix(gz.subarray(0, 200), 16, 'p.gz')).toEqual(data.subarray(0, 16));
  });
});
