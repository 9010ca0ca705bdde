// PNG decoding without a canvas (in a worker or in Node), for sprite datasets whose height (60,000 rows) is
// above a canvas's limit (32,767 px). Decoding is fast-png's (every bit depth, palette, Adam7 interlacing,
// alpha, transparency chunks); this file checks the size first and turns the result into 8-bit samples.
import { convertIndexedToRgb, decode } from 'fast-png';
import { DatasetError } from '../errors.ts';

export interface DecodedPng {
  width: number;
  height: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
  channels: number;
  /** height × width × channels bytes, row-major, 8 bits per sample. */
  data: Uint8Array;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** Width and height from the IHDR chunk, read before anything is inflated so a huge image is refused cheaply. */
function headerSize(bytes: Uint8Array, file: string): { width: number; height: number; channels: number } {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new DatasetError(file, 'not a PNG file (bad signature)');
  if (bytes.length < 33) throw new DatasetError(file, `the PNG file is truncated (${bytes.length} bytes, no complete IHDR chunk)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (type !== 'IHDR') throw new DatasetError(file, `the PNG file starts with a ${JSON.stringify(type)} chunk, not IHDR`);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width < 1 || height < 1) throw new DatasetError(file, `PNG size ${width}×${height} is empty`);
  // Colour type → 8-bit samples per pixel once decoded (a palette becomes RGB, or RGBA with transparency).
  const channels = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 }[bytes[25] ?? -1] ?? 4;
  return { width, height, channels };
}

/** Samples of any bit depth as 8-bit: 16-bit keeps its high byte, 1/2/4-bit gray is stretched to 0..255. */
function toBytes(data: ArrayLike<number>, depth: number, n: number): Uint8Array {
  if (depth === 8 && data instanceof Uint8Array) return data;
  const out = new Uint8Array(n);
  if (depth === 16) for (let i = 0; i < n; i++) out[i] = (data[i] ?? 0) >>> 8;
  else {
    const scale = 255 / (2 ** depth - 1);
    for (let i = 0; i < n; i++) out[i] = Math.round((data[i] ?? 0) * scale);
  }
  return out;
}

/**
 * Decodes a PNG to 8-bit samples (palette images become RGB, or RGBA when they carry transparency).
 * `maxBytes` bounds the decoded size (width × height × 4) before anything is inflated. Throws DatasetError
 * naming `file` for anything that is not a whole, valid PNG.
 */
export function decodePng(bytes: Uint8Array, file: string, maxBytes = 1024 ** 3): DecodedPng {
  const { width, height, channels: expected } = headerSize(bytes, file);
  if (width * height * expected > maxBytes) throw new DatasetError(file, `the PNG decodes to ${width * height * expected} bytes, more than the ${maxBytes} allowed`);
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new DatasetError(file, `the PNG file is truncated or corrupt (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (png.width !== width || png.height !== height) throw new DatasetError(file, `the PNG decoder read ${png.width}×${png.height}, the header says ${width}×${height}`);
  if (png.palette) {
    let rgb: Uint8Array;
    try {
      rgb = convertIndexedToRgb(png) as Uint8Array;
    } catch (e) {
      throw new DatasetError(file, `the PNG palette is invalid (${e instanceof Error ? e.message : String(e)})`, { cause: e });
    }
    const channels = rgb.length / (width * height);
    if (channels !== 3 && channels !== 4) throw new DatasetError(file, `the PNG palette gave ${rgb.length} bytes for ${width}×${height} pixels`);
    return { width, height, channels, data: rgb };
  }
  const n = width * height * png.channels;
  if (png.data.length < n) throw new DatasetError(file, `the PNG image data is truncated (${png.data.length} of ${n} samples)`);
  return { width, height, channels: png.channels, data: toBytes(png.data, png.depth, n) };
}
