// NamedWeights ↔ ArrayBuffer: a magic word, a JSON header of paths and shapes, then little-endian float32 data.

import type { NamedWeights, WeightSpec } from '../../core/weights.ts';

const MAGIC = 0x31574450; // 'PDW1' read as a little-endian uint32
const PREFIX_BYTES = 8;

interface Header {
  count: number;
  specs: WeightSpec[];
}

function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

export function serializeWeights(w: NamedWeights): ArrayBuffer {
  const header = new TextEncoder().encode(JSON.stringify({ count: w.data.length, specs: w.specs } satisfies Header));
  const dataStart = align4(PREFIX_BYTES + header.length);
  const buf = new ArrayBuffer(dataStart + w.data.length * 4);
  const view = new DataView(buf);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, header.length, true);
  new Uint8Array(buf, PREFIX_BYTES, header.length).set(header);
  const out = new DataView(buf, dataStart);
  for (let i = 0; i < w.data.length; i++) out.setFloat32(i * 4, w.data[i] ?? 0, true);
  return buf;
}

function fail(problem: string): never {
  throw new Error(`deserializeWeights: corrupt weights buffer: ${problem}`);
}

function checkSpec(s: unknown, i: number, count: number): WeightSpec {
  if (typeof s !== 'object' || s === null) fail(`specs[${i}] is not an object`);
  const { path, shape, offset } = s as Record<string, unknown>;
  if (typeof path !== 'string' || path === '') fail(`specs[${i}].path is ${JSON.stringify(path)}, expected a path`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    fail(`specs[${i}].shape of "${path}" is ${JSON.stringify(shape)}, expected non-negative integers`);
  }
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (!Number.isInteger(offset) || (offset as number) < 0 || (offset as number) + size > count) {
    fail(`specs[${i}].offset of "${path}" is ${String(offset)}, size ${size} does not fit in ${count} values`);
  }
  return { path, shape: [...(shape as number[])], offset: offset as number };
}

function parseHeader(bytes: Uint8Array): Header {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    fail(`header is not valid JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null) fail('header is not an object');
  const { count, specs } = raw as Record<string, unknown>;
  if (!Number.isInteger(count) || (count as number) < 0) fail(`count is ${String(count)}, expected an integer ≥ 0`);
  if (!Array.isArray(specs)) fail('specs is not an array');
  return { count: count as number, specs: specs.map((s, i) => checkSpec(s, i, count as number)) };
}

export function deserializeWeights(buf: ArrayBuffer): NamedWeights {
  if (buf.byteLength < PREFIX_BYTES) fail(`${buf.byteLength} bytes, shorter than the ${PREFIX_BYTES}-byte prefix`);
  const view = new DataView(buf);
  if (view.getUint32(0, true) !== MAGIC) fail('wrong magic word (not a Petridish weights buffer)');
  const headerBytes = view.getUint32(4, true);
  if (PREFIX_BYTES + headerBytes > buf.byteLength) fail(`header length ${headerBytes} runs past the end`);
  const header = parseHeader(new Uint8Array(buf, PREFIX_BYTES, headerBytes));
  const dataStart = align4(PREFIX_BYTES + headerBytes);
  const expected = dataStart + header.count * 4;
  if (buf.byteLength !== expected) fail(`${buf.byteLength} bytes, expected ${expected} for ${header.count} values`);
  const data = new Float32Array(header.count);
  const src = new DataView(buf, dataStart);
  for (let i = 0; i < header.count; i++) data[i] = src.getFloat32(i * 4, true);
  const seen = new Set<string>();
  for (const s of header.specs) {
    if (seen.has(s.path)) fail(`path "${s.path}" appears twice`);
    seen.add(s.path);
  }
  return { specs: header.specs, data };
}
