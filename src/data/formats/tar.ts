// A streaming reader of tar archives (POSIX ustar, with the pax and GNU long-name extensions), optionally
// gzipped: it is fed the archive in chunks, straight from the gzip inflater, and keeps only the regular files'
// contents, so a 184 MB archive such as CIFAR-10's never exists as one expanded copy next to its files.
// Written here rather than taken from a library because the tar libraries checked either need the whole
// expanded archive in memory (nanotar) or Node or web streams around it (tar-stream, modern-tar), while the
// format itself is 512-byte headers and padded contents.
import { DatasetError } from '../errors.ts';
import { DEFAULT_MAX_GUNZIP_BYTES, gunzipTo, isGzip } from './gzip.ts';

const BLOCK = 512;

/** One regular file of an archive, named by its full path inside the archive. */
export interface TarFile {
  name: string;
  bytes: Uint8Array;
}

export interface TarContents {
  files: TarFile[];
  /** Entries that are neither regular files nor directories (links, devices), by path, with their type. */
  skipped: string[];
}

function ascii(block: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && block[end] !== 0) end++;
  return new TextDecoder().decode(block.subarray(start, end));
}

/** A numeric header field: octal ASCII, or base-256 (GNU) when the first byte's high bit is set; NaN if neither. */
function numberField(block: Uint8Array, start: number, length: number): number {
  if (((block[start] ?? 0) & 0x80) !== 0) {
    let n = (block[start] ?? 0) & 0x7f;
    for (let i = start + 1; i < start + length; i++) n = n * 256 + (block[i] ?? 0);
    return n;
  }
  const text = ascii(block, start, length).trim();
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : text === '' ? 0 : NaN;
}

/** The header checksum: the sum of its bytes with the checksum field itself counted as spaces. */
function checksumOf(block: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  return sum;
}

/** The `path` record of a pax extended header ("<length> path=<value>\n" records), if any. */
function paxPath(bytes: Uint8Array): string | null {
  const text = new TextDecoder().decode(bytes);
  for (const line of text.split('\n')) {
    const m = /^\d+ path=(.*)$/.exec(line);
    if (m) return m[1] ?? null;
  }
  return null;
}

interface Entry {
  name: string;
  type: string;
  size: number;
  /** Bytes of content still to come, then the padding to the next block. */
  left: number;
  padding: number;
  chunks: Uint8Array[] | null;
}

/**
 * A push parser: `push` the archive's bytes in order (any chunk sizes), then `end`. Throws a DatasetError
 * naming `file` for a header whose checksum does not match (not a tar archive, or corrupt), an entry larger
 * than `maxBytes` in all, or an archive that ends inside an entry.
 */
export class TarReader {
  private header = new Uint8Array(BLOCK);
  private headerFill = 0;
  private entry: Entry | null = null;
  private offset = 0;
  private kept = 0;
  private ended = false;
  private nextName: string | null = null;
  private readonly files: TarFile[] = [];
  private readonly skipped: string[] = [];

  constructor(private readonly file: string, private readonly maxBytes = DEFAULT_MAX_GUNZIP_BYTES) {}

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length && !this.ended) {
      const e = this.entry;
      if (e === null) {
        const n = Math.min(BLOCK - this.headerFill, chunk.length - at);
        this.header.set(chunk.subarray(at, at + n), this.headerFill);
        this.headerFill += n;
        at += n;
        if (this.headerFill === BLOCK) this.readHeader();
      } else if (e.left > 0) {
        const n = Math.min(e.left, chunk.length - at);
        e.chunks?.push(chunk.subarray(at, at + n));
        e.left -= n;
        at += n;
        if (e.left === 0) this.finishContent(e);
      } else {
        const n = Math.min(e.padding, chunk.length - at);
        e.padding -= n;
        at += n;
        if (e.padding === 0) this.entry = null;
      }
    }
  }

  /** The archive's regular files and what was skipped; throws when the archive stopped inside an entry. */
  end(): TarContents {
    const e = this.entry;
    if (e && e.left > 0) {
      throw new DatasetError(this.file, `the tar archive is truncated: ${e.name} announces ${e.size} bytes but only ${e.size - e.left} are present`);
    }
    if (this.headerFill > 0 && !this.ended) {
      throw new DatasetError(this.file, `the tar archive is truncated: it ends inside a ${BLOCK}-byte header (${this.headerFill} bytes of it present)`);
    }
    if (this.files.length === 0 && this.offset === 0 && !this.ended) throw new DatasetError(this.file, 'the tar archive is empty');
    return { files: this.files, skipped: this.skipped };
  }

  private readHeader(): void {
    const h = this.header;
    const at = this.offset;
    this.offset += BLOCK;
    this.headerFill = 0;
    // An all-zero block marks the end of the archive (tar writes two; what follows is padding).
    if (h.every((b) => b === 0)) {
      this.ended = true;
      return;
    }
    const stored = numberField(h, 148, 8);
    if (stored !== checksumOf(h)) {
      throw new DatasetError(this.file, `not a tar archive, or corrupt: the header at byte ${at} has a bad checksum`);
    }
    const type = String.fromCharCode(h[156] ?? 0);
    const size = numberField(h, 124, 12);
    const prefix = ascii(h, 257, 6) === 'ustar' ? ascii(h, 345, 155) : '';
    const base = ascii(h, 0, 100);
    const name = this.nextName ?? (prefix ? `${prefix}/${base}` : base);
    if (!Number.isFinite(size) || size < 0) throw new DatasetError(this.file, `not a tar archive, or corrupt: ${name} has an unreadable size field`);
    const meta = type === 'x' || type === 'L';
    const regular = type === '0' || type === '\0' || type === '7';
    if (regular || meta) {
      this.kept += size;
      if (this.kept > this.maxBytes) throw new DatasetError(this.file, `the tar archive holds more than ${this.maxBytes} bytes, which is too large`);
    } else if (type !== '5' && type !== 'g') {
      this.skipped.push(`${name} (tar entry type ${JSON.stringify(type)}, not a regular file)`);
    }
    if (!meta) this.nextName = null;
    const entry: Entry = { name, type, size, left: size, padding: (BLOCK - (size % BLOCK)) % BLOCK, chunks: regular || meta ? [] : null };
    this.entry = entry;
    this.offset += size + entry.padding;
    if (size === 0) this.finishContent(entry);
  }

  private finishContent(e: Entry): void {
    if (e.chunks) {
      const bytes = new Uint8Array(e.size);
      let at = 0;
      for (const c of e.chunks) {
        bytes.set(c, at);
        at += c.length;
      }
      e.chunks = null;
      if (e.type === 'L') this.nextName = new TextDecoder().decode(bytes).replace(/\0+$/, '');
      else if (e.type === 'x') this.nextName = paxPath(bytes);
      else this.files.push({ name: e.name, bytes });
    }
    if (e.padding === 0) this.entry = null;
  }
}

/** True for a file name that announces a tar archive (`.tar`, `.tar.gz`, `.tgz`). */
export function isTarName(name: string): boolean {
  return /\.(tar|tar\.gz|tgz)$/i.test(name);
}

/**
 * The regular files of a tar archive, raw or gzipped, read in one pass without an expanded copy of the whole
 * archive. Throws a DatasetError naming `file` for corrupt or truncated gzip or tar data, or more than
 * `maxBytes` of content.
 */
export function readTar(bytes: Uint8Array, file: string, maxBytes = DEFAULT_MAX_GUNZIP_BYTES): TarContents {
  const reader = new TarReader(file, maxBytes);
  if (isGzip(bytes)) gunzipTo(bytes, file, (c) => reader.push(c), maxBytes);
  else reader.push(bytes);
  return reader.end();
}
