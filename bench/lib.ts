// Shared helpers of the benchmark scripts: flags, the reference architectures, the backends available in
// Node, machine info, and saving results as JSON under bench/results/.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { ModelDesc } from '../src/core/space/model-desc.ts';
import { validateDesc } from '../src/core/space/validate-desc.ts';
import { registerFastCpuKernels } from '../src/ml/kernels/cpu/register.ts';
import { enableNodeWebgpu, nodeWebgpuFailureReason } from '../src/ml/node-webgpu.ts';
import type { ArchName } from './throughput/measure.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

/** `--name value` flags with numeric or string defaults. */
export function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

export function numFlag(name: string, fallback: number): number {
  const v = Number(flag(name, String(fallback)));
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name}: expected a positive number, got ${flag(name, '')}`);
  return v;
}

export type { ArchName } from './throughput/measure.ts';

/** The throughput figure's architectures plus the search phase's (grown.json with a candidate node). */
export type ReferenceArchName = ArchName | 'search';

/** The reference architectures; the bundled GPU script passes their folder with --archs. */
export function loadReferenceArch(name: ReferenceArchName): ModelDesc {
  const dir = flag('archs', join(HERE, 'reference-archs'));
  return validateDesc(JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')));
}

/** cpu always; webgpu (Dawn) when an adapter exists, with the reason when not. */
export async function nodeBackends(wanted: string): Promise<{ backends: ('cpu' | 'webgpu')[]; webgpuNote: string | null }> {
  const list = wanted.split(',').filter((b): b is 'cpu' | 'webgpu' => b === 'cpu' || b === 'webgpu');
  if (!list.includes('webgpu')) return { backends: list, webgpuNote: null };
  if (await enableNodeWebgpu()) return { backends: list, webgpuNote: null };
  return { backends: list.filter((b) => b !== 'webgpu'), webgpuNote: nodeWebgpuFailureReason() };
}

export async function useBackend(name: string): Promise<string> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
  if (name === 'cpu') registerFastCpuKernels();
  if (name !== 'webgpu') return name;
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string; description?: string } }).adapterInfo;
  return `webgpu (${[info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'adapter'})`;
}

export function machine(): Record<string, unknown> {
  const cpu = cpus();
  return { cpus: cpu.length, cpuModel: cpu[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version,
    date: new Date().toISOString() };
}

/** Writes `bench/results/<name>.json` (or under --results DIR) and returns the path. */
export function saveResult(name: string, data: unknown): string {
  const dir = flag('results', join(HERE, 'results'));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  writeFileSync(path, `${JSON.stringify({ machine: machine(), ...(data as object) }, null, 2)}\n`);
  return path;
}
