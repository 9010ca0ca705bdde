// Detects gzip data and expands it with fflate's streaming inflater, refusing truncated, corrupt or oversized input.
import { Gunzip } from 'fflate';
import { DatasetError } from '../errors.ts';

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

interface Inflated {
  out: Uint8Array;
  /** Compressed offset where each member after the first starts, and the bytes expanded before it. */
  members: { offset: number; expandedBefore: number }[];
}

function inflate(bytes: Uint8Array, file: string, limit: number, stopAtLimit: boolean): Inflated {
  const chunks: Uint8Array[] = [];
  const members: Inflated['members'] = [];
  let total = 0;
  const g = new Gunzip();
  // Joined members (`cat a.gz b.gz`, pigz, chunked writers) are one valid gzip file; each has its own trailer.
  g.onmember = (offset) => {
    if (offset > 0) members.push({ offset, expandedBefore: total });
  };
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
    if (e instanceof Stop) return { out: concat(chunks, total).subarray(0, limit), members };
    if (e instanceof DatasetError) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new DatasetError(file, `the gzip data is truncated or corrupt (${detail})`, { cause: e });
  }
  return { out: concat(chunks, total), members };
}

function isizeAt(bytes: Uint8Array, end: number): number {
  const t = end - 4;
  return ((bytes[t] ?? 0) | ((bytes[t + 1] ?? 0) << 8) | ((bytes[t + 2] ?? 0) << 16) | ((bytes[t + 3] ?? 0) << 24)) >>> 0;
}

/**
 * Expands a whole gzip file, one member or several joined end to end (RFC 1952 §2.2). fflate's stream does
 * not check trailers, so each member's ISIZE field (its expanded length modulo 2^32) is compared here: that
 * catches a file cut inside its last few bytes.
 */
export function gunzip(bytes: Uint8Array, file: string, maxBytes = DEFAULT_MAX_GUNZIP_BYTES): Uint8Array {
  if (bytes.length < 18) throw new DatasetError(file, `the gzip data is truncated (${bytes.length} bytes, a gzip file has at least 18)`);
  const { out, members } = inflate(bytes, file, maxBytes, false);
  const ends = [...members.map((m) => ({ end: m.offset, expanded: m.expandedBefore })), { end: bytes.length, expanded: out.length }];
  let before = 0;
  for (const [i, m] of ends.entries()) {
    const isize = isizeAt(bytes, m.end);
    const size = m.expanded - before;
    if (isize !== size % 2 ** 32) {
      const which = ends.length > 1 ? ` of member ${i + 1} of ${ends.length}` : '';
      throw new DatasetError(file, `the gzip data is truncated or corrupt (the trailer${which} says ${isize} bytes, ${size} were expanded)`);
    }
    before = m.expanded;
  }
  return out;
}

/** Expands only the first `n` bytes (or fewer if the data ends sooner), e.g. to read a header before the rest. */
export function gunzipPrefix(bytes: Uint8Array, n: number, file: string): Uint8Array {
  return inflate(bytes, file, n, true).out;
}

/** Returns the bytes expanded if they are gzip, else the bytes themselves. */
export function maybeGunzip(bytes: Uint8Array, file: string, maxBytes = DEFAULT_MAX_GUNZIP_BYTES): Uint8Array {
  return isGzip(bytes) ? gunzip(bytes, file, maxBytes) : bytes;
}
