// Test helpers that build dataset files (IDX, CIFAR, PNG) byte by byte, plus a seeded RNG for fuzzing.
import { zlibSync } from 'fflate';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function be32(n: number): number[] {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

/** An IDX file: magic 0x000008<ndims>, dims, then `data` (or pixel i = i % 256). */
export function idx(dims: number[], data?: ArrayLike<number>, dtype = 0x08): Uint8Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const body = data ?? Array.from({ length: n }, (_, i) => i % 256);
  return new Uint8Array([0, 0, dtype, dims.length, ...dims.flatMap(be32), ...Array.from(body)]);
}

/** Images whose pixel bytes encode (image index, position) so a misplaced byte shows. */
export function idxImages(count: number, h: number, w: number): Uint8Array {
  return idx([count, h, w], Array.from({ length: count * h * w }, (_, i) => (i * 7 + 3) % 256));
}

export function idxLabels(labels: number[]): Uint8Array {
  return idx([labels.length], labels);
}

/** A CIFAR record: label byte(s), then R, G, B planes where plane c, pixel p holds (seed + c * 50 + p) % 256. */
export function cifarRecord(labelBytes: number[], seed: number): number[] {
  const px: number[] = [];
  for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) px.push((seed + c * 50 + p) % 256);
  return [...labelBytes, ...px];
}

export function cifarFile(records: number[][]): Uint8Array {
  return new Uint8Array(records.flat());
}

function crcTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}
const CRC = crcTable();
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC[(c ^ b) & 255] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): number[] {
  const td = new Uint8Array([...Array.from(type, (ch) => ch.charCodeAt(0)), ...data]);
  return [...be32(data.length), ...td, ...be32(crc32(td))];
}

/** Encodes 8-bit pixels as PNG, cycling through filter types 0..4 by row so the decoder's unfiltering is tested. */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 2 | 3 | 4): Uint8Array {
  const colour = { 1: 0, 2: 4, 3: 2, 4: 6 }[channels];
  const stride = width * channels;
  const raw: number[] = [];
  const at = (y: number, x: number): number => (y < 0 || x < 0 ? 0 : (pixels[y * stride + x] ?? 0));
  for (let y = 0; y < height; y++) {
    const f = y % 5;
    raw.push(f);
    for (let x = 0; x < stride; x++) {
      const v = at(y, x);
      const a = at(y, x - channels);
      const b = at(y - 1, x);
      const c = at(y - 1, x - channels);
      const p = a + b - c;
      const pred = [0, a, b, (a + b) >> 1, Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c][f] ?? 0;
      raw.push((v - pred) & 255);
    }
  }
  const ihdr = new Uint8Array([...be32(width), ...be32(height), 8, colour, 0, 0, 0]);
  return new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, ...chunk('IHDR', ihdr), ...chunk('IDAT', zlibSync(new Uint8Array(raw))), ...chunk('IEND', new Uint8Array())]);
}

/**
 * A POSIX ustar archive of `files` (regular files; a name ending in "/" is a directory entry), as GNU tar
 * writes it for short names: 512-byte headers with octal fields and checksum, contents padded to 512 bytes,
 * two zero blocks at the end.
 */
export function tarArchive(files: { name: string; bytes?: Uint8Array }[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  const put = (h: Uint8Array, at: number, text: string): void => h.set(new TextEncoder().encode(text), at);
  for (const f of files) {
    const dir = f.name.endsWith('/');
    const bytes = f.bytes ?? new Uint8Array(0);
    const h = new Uint8Array(512);
    put(h, 0, f.name);
    put(h, 100, '0000644\0');
    put(h, 108, '0001750\0');
    put(h, 116, '0001750\0');
    put(h, 124, `${bytes.length.toString(8).padStart(11, '0')}\0`);
    put(h, 136, '14707044300\0');
    put(h, 148, '        ');
    h[156] = (dir ? '5' : '0').charCodeAt(0);
    put(h, 257, 'ustar  \0');
    put(h, 148, `${h.reduce((a, b) => a + b, 0).toString(8).padStart(6, '0')}\0 `);
    blocks.push(h);
    if (!dir) {
      const padded = new Uint8Array(Math.ceil(bytes.length / 512) * 512);
      padded.set(bytes);
      blocks.push(padded);
    }
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
