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
  /** Bytes expanded (all of them handed to the sink). */
  total: number;
  /** Compressed offset where each member after the first starts, and the bytes expanded before it. */
  members: { offset: number; expandedBefore: number }[];
}

/**
 * Inflates `bytes`, handing every expanded chunk to `sink` (which may throw a DatasetError to refuse the
 * content). Past `limit` bytes it stops (stopAtLimit, the chunk that crossed it included) or refuses the file.
 */
function inflate(bytes: Uint8Array, file: string, limit: number, stopAtLimit: boolean, sink: (chunk: Uint8Array) => void): Inflated {
  const members: Inflated['members'] = [];
  let total = 0;
  const g = new Gunzip();
  // Joined members (`cat a.gz b.gz`, pigz, chunked writers) are one valid gzip file; each has its own trailer.
  g.onmember = (offset) => {
    if (offset > 0) members.push({ offset, expandedBefore: total });
  };
  g.ondata = (chunk) => {
    total += chunk.length;
    if (total > limit && !stopAtLimit) throw new DatasetError(file, `gzip data expands to more than ${limit} bytes, which is too large`);
    sink(chunk);
    if (total > limit) throw new Stop();
  };
  try {
    // A prefix is usually a slice of the file, so its end is not the end of the stream.
    g.push(bytes, !stopAtLimit);
  } catch (e) {
    if (e instanceof Stop) return { total, members };
    if (e instanceof DatasetError) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new DatasetError(file, `the gzip data is truncated or corrupt (${detail})`, { cause: e });
  }
  return { total, members };
}

function isizeAt(bytes: Uint8Array, end: number): number {
  const t = end - 4;
  return ((bytes[t] ?? 0) | ((bytes[t + 1] ?? 0) << 8) | ((bytes[t + 2] ?? 0) << 16) | ((bytes[t + 3] ?? 0) << 24)) >>> 0;
}

/**
 * Expands a whole gzip file, one member or several joined end to end (RFC 1952 §2.2), handing the expanded
 * bytes to `sink` chunk by chunk (so a consumer such as the tar reader never needs the whole output at once).
 * fflate's stream does not check trailers, so each member's ISIZE field (its expanded length modulo 2^32) is
 * compared here: that catches a file cut inside its last few bytes. Returns the expanded length. Throws a
 * DatasetError naming `file` for truncated or corrupt data or more than `maxBytes` expanded; errors the sink
 * throws pass through.
 */
export function gunzipTo(bytes: Uint8Array, file: string, sink: (chunk: Uint8Array) => void, maxBytes = DEFAULT_MAX_GUNZIP_BYTES): number {
  if (bytes.length < 18) throw new DatasetError(file, `the gzip data is truncated (${bytes.length} bytes, a gzip file has at least 18)`);
  const { total, members } = inflate(bytes, file, maxBytes, false, sink);
  const ends = [...members.map((m) => ({ end: m.offset, expanded: m.expandedBefore })), { end: bytes.length, expanded: total }];
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
  return total;
}

/** Expands a whole gzip file (see gunzipTo) into one array. */
export function gunzip(bytes: Uint8Array, file: string, maxBytes = DEFAULT_MAX_GUNZIP_BYTES): Uint8Array {
  const chunks: Uint8Array[] = [];
  const total = gunzipTo(bytes, file, (c) => chunks.push(c), maxBytes);
  return concat(chunks, total);
}

/** Expands only the first `n` bytes (or fewer if the data ends sooner), e.g. to read a header before the rest. */
export function gunzipPrefix(bytes: Uint8Array, n: number, file: string): Uint8Array {
  const chunks: Uint8Array[] = [];
  const { total } = inflate(bytes, file, n, true, (c) => chunks.push(c));
  return concat(chunks, total).subarray(0, n);
}

/** Returns the bytes expanded if they are gzip, else the bytes themselves. */
export function maybeGunzip(bytes: Uint8Array, file: string, maxBytes = DEFAULT_MAX_GUNZIP_BYTES): Uint8Array {
  return isGzip(bytes) ? gunzip(bytes, file, maxBytes) : bytes;
}
