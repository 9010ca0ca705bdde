// Detects gzip data and expands it with fflate's streaming inflater, refusing truncated, corrupt or oversized input.
import { Gunzip } from 'fflate';
import { DatasetError } from './errors.ts';

/** Default ceiling on a decompressed file: far above any dataset a browser tab can train on. */
export const DEFAULT_MAX_GUNZIP_BYTES = 2 * 1024 ** 3;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Thrown from inside ondata to stop inflating early; never escapes this module. */
class Stop extends Error {}

function inflate(bytes: Uint8Array, file: string, limit: number, stopAtLimit: boolean): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const g = new Gunzip();
  g.ondata = (chunk) => {
    total += chunk.length;
    chunks.push(chunk);
    if (total > limit) {
      if (stopAtLimit) throw new Stop();
      throw new DatasetError(file, `gzip data expands to more than ${limit} bytes, which is too large`);
    }
  };
  try {
    // A prefix is usually a slice of the file, so its end is not the end of the stream.
    g.push(bytes, !stopAtLimit);
  } catch (e) {
    if (e instanceof Stop) return concat(chunks, total).subarray(0, limit);
    if (e instanceof DatasetError) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new DatasetError(file, `the gzip data is truncated or corrupt (${detail})`, { cause: e });
  }
  return concat(chunks, total);
}

/**
 * Expands a whole gzip file. fflate's stream does not check the trailer, so the ISIZE field (the length
 * modulo 2^32) is compared here: that catches a file cut inside its last few bytes.
 */
export function gunzip(bytes: Uint8Array, file: string, maxBytes = DEFAULT_MAX_GUNZIP_BYTES): Uint8Array {
  if (bytes.length < 18) throw new DatasetError(file, `the gzip data is truncated (${bytes.length} bytes, a gzip file has at least 18)`);
  const out = inflate(bytes, file, maxBytes, false);
  const t = bytes.length - 4;
  const isize = ((bytes[t] ?? 0) | ((bytes[t + 1] ?? 0) << 8) | ((bytes[t + 2] ?? 0) << 16) | ((bytes[t + 3] ?? 0) << 24)) >>> 0;
  if (isize !== out.length % 2 ** 32) {
    throw new DatasetError(file, `the gzip data is truncated or corrupt (its trailer says ${isize} bytes, ${out.length} were expanded)`);
  }
  return out;
}

/** Expands only the first `n` bytes (or fewer if the data ends sooner), e.g. to read a header before the rest. */
export function gunzipPrefix(bytes: Uint8Array, n: number, file: string): Uint8Array {
  return inflate(bytes, file, n, true);
}

/** Returns the bytes expanded if they are gzip, else the bytes themselves. */
export function maybeGunzip(bytes: Uint8Array, file: string, maxBytes = DEFAULT_MAX_GUNZIP_BYTES): Uint8Array {
  return isGzip(bytes) ? gunzip(bytes, file, maxBytes) : bytes;
}
