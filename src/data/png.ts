// A small pure PNG decoder (8-bit, non-interlaced, gray/RGB/alpha), so sprite datasets decode in a worker or in
// Node without a canvas, whose height limit (32,767 px) is below a 60,000-row sprite.
import { Unzlib } from 'fflate';
import { DatasetError } from './errors.ts';

export interface DecodedPng {
  width: number;
  height: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
  channels: number;
  /** height × width × channels bytes, row-major. */
  data: Uint8Array;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

interface Header {
  width: number;
  height: number;
  channels: number;
}

function readChunks(bytes: Uint8Array, file: string): { header: Header; idat: Uint8Array[] } {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new DatasetError(file, 'not a PNG file (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Header | null = null;
  const idat: Uint8Array[] = [];
  for (let at = 8; ; ) {
    if (at + 8 > bytes.length) throw new DatasetError(file, 'the PNG file is truncated (no IEND chunk)');
    const len = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (at + 12 + len > bytes.length) throw new DatasetError(file, `the PNG file is truncated inside its ${type} chunk`);
    const data = bytes.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') header = parseIhdr(data, file);
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + len;
  }
  if (!header) throw new DatasetError(file, 'the PNG file has no IHDR chunk');
  return { header, idat };
}

function parseIhdr(d: Uint8Array, file: string): Header {
  if (d.length !== 13) throw new DatasetError(file, `the PNG IHDR chunk has ${d.length} bytes, expected 13`);
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const [depth, color, , , interlace] = d.subarray(8);
  const channels = CHANNELS[color ?? -1];
  if (depth !== 8) throw new DatasetError(file, `PNG bit depth ${depth} is not supported (only 8)`);
  if (channels === undefined) throw new DatasetError(file, `PNG colour type ${color} is not supported (gray, RGB, gray+alpha or RGBA only)`);
  if (interlace !== 0) throw new DatasetError(file, 'interlaced PNG is not supported');
  const width = v.getUint32(0);
  const height = v.getUint32(4);
  if (width < 1 || height < 1) throw new DatasetError(file, `PNG size ${width}×${height} is empty`);
  return { width, height, channels };
}

function inflateExact(parts: Uint8Array[], size: number, file: string): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  const z = new Unzlib((chunk) => {
    if (at + chunk.length > size) throw new DatasetError(file, `the PNG image data is longer than its ${size}-byte frame`);
    out.set(chunk, at);
    at += chunk.length;
  });
  try {
    parts.forEach((p, i) => z.push(p, i === parts.length - 1));
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    throw new DatasetError(file, `the PNG image data is corrupt (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (at !== size) throw new DatasetError(file, `the PNG image data is truncated (${at} of ${size} bytes)`);
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function unfilter(raw: Uint8Array, h: Header, file: string): Uint8Array {
  const stride = h.width * h.channels;
  const bpp = h.channels;
  const out = new Uint8Array(h.height * stride);
  for (let y = 0; y < h.height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? (out[row + x - bpp] ?? 0) : 0;
      const b = y > 0 ? (out[prev + x] ?? 0) : 0;
      const c = y > 0 && x >= bpp ? (out[prev + x - bpp] ?? 0) : 0;
      const v = raw[src + x] ?? 0;
      if (filter === 0) out[row + x] = v;
      else if (filter === 1) out[row + x] = v + a;
      else if (filter === 2) out[row + x] = v + b;
      else if (filter === 3) out[row + x] = v + ((a + b) >> 1);
      else if (filter === 4) out[row + x] = v + paeth(a, b, c);
      else throw new DatasetError(file, `PNG row ${y} has unknown filter type ${filter}`);
    }
  }
  return out;
}

/** Decodes a PNG; `maxBytes` bounds the decoded size before anything is inflated. */
export function decodePng(bytes: Uint8Array, file: string, maxBytes = 1024 ** 3): DecodedPng {
  const { header, idat } = readChunks(bytes, file);
  const pixels = header.width * header.height * header.channels;
  if (pixels > maxBytes) throw new DatasetError(file, `the PNG decodes to ${pixels} bytes, more than the ${maxBytes} allowed`);
  if (idat.length === 0) throw new DatasetError(file, 'the PNG file has no image data (IDAT)');
  const raw = inflateExact(idat, header.height * (header.width * header.channels + 1), file);
  return { ...header, data: unfilter(raw, header, file) };
}
