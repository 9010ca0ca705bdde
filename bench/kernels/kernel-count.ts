// Kernels dispatched per training step (batch 8): the app's trainer against a plain tf.layers model of the same
// reference architecture trained with model.trainOnBatch, on the cpu backend and on WebGPU (Dawn in Node).
// Every registered kernel of the backend is wrapped and counted by name (kernel-timer.ts); on WebGPU the
// compute-shader dispatches are counted as well (gpu-dispatches.ts). Counts, not timings: they do not
// depend on the machine's load.
// Usage: npx tsx bench/kernels/kernel-count.ts [--backends cpu,webgpu] [--archs-list seed,grown,search] [--batch 8]
//   [--steps 2] [--top 10] [--fused on|off]
// --fused off counts our step with the stock composites (batch norm, SGD) instead of the fused kernels.

import * as tf from '@tensorflow/tfjs';
import type { ModelDesc } from '../../src/core/space/model-desc.ts';
import { setFusedTraining } from '../../src/ml/kernels/fused/register.ts';
import { buildNetwork } from '../../src/ml/model/network.ts';
import { trainPhase } from '../../src/ml/train/train.ts';
import { countGpuDispatches, type DispatchCounter } from './gpu-dispatches.ts';
import { wrapKernels, type KernelStat } from './kernel-timer.ts';
import { flag, loadReferenceArch, nodeBackends, numFlag, saveResult, useBackend, type ReferenceArchName } from '../lib.ts';
import { buildPlainModel, disposePlainModel } from '../throughput/plain-layers.ts';
import { plainBatch, recipe, syntheticPhase } from '../throughput/step-timers.ts';

interface Count {
  /** Registered-kernel calls per training step. */
  kernels: number;
  /** WebGPU compute-shader dispatches per training step (null on other backends). */
  dispatches: number | null;
  /** Calls per step by kernel name, most first. */
  byKernel: { name: string; calls: number }[];
}

/** Counts what `run` dispatches; `perStep` divides (run covers that many training steps). */
async function counted(backend: string, perStep: number, run: () => Promise<void>): Promise<{ kernels: Map<string, number>; dispatches: number | null }> {
  const timer = wrapKernels(backend);
  let gpu: DispatchCounter | null = null;
  try {
    gpu = backend === 'webgpu' ? countGpuDispatches() : null;
    await run();
    const kernels = new Map(timer.stats().map((k: KernelStat) => [k.name, k.calls / perStep]));
    return { kernels, dispatches: gpu ? gpu.total() / perStep : null };
  } finally {
    gpu?.unwrap();
    timer.unwrap();
  }
}

function toCount(kernels: Map<string, number>, dispatches: number | null): Count {
  const byKernel = [...kernels.entries()].filter(([, c]) => c !== 0).map(([name, calls]) => ({ name, calls })).sort((a, b) => b.calls - a.calls);
  return { kernels: byKernel.reduce((s, k) => s + k.calls, 0), dispatches, byKernel };
}

/**
 * The app's trainer: phases of 1 and of 1 + `steps` training steps are counted and the difference divided by
 * `steps`, so what a phase pays once (optimiser set-up, validation, the epoch's report) cancels out.
 */
async function oursPerStep(backend: string, desc: ModelDesc, batch: number, steps: number): Promise<Count> {
  const data = syntheticPhase(desc, batch * (steps + 1) + 8);
  const net = buildNetwork(desc, { seed: 1 });
  const opts = { seed: 1, l1Alpha: 0, augment: { pad: 0, flip: false } };
  try {
    await trainPhase(net, data, recipe(batch, 1), opts);
    const one = await counted(backend, 1, async () => { await trainPhase(net, data, recipe(batch, 1), opts); });
    const many = await counted(backend, 1, async () => { await trainPhase(net, data, recipe(batch, steps + 1), opts); });
    const diff = new Map<string, number>();
    for (const name of new Set([...one.kernels.keys(), ...many.kernels.keys()])) {
      diff.set(name, ((many.kernels.get(name) ?? 0) - (one.kernels.get(name) ?? 0)) / steps);
    }
    const dispatches = one.dispatches === null || many.dispatches === null ? null : (many.dispatches - one.dispatches) / steps;
    return toCount(diff, dispatches);
  } finally {
    net.dispose();
  }
}

/** The plain tf.layers model: `steps` calls of trainOnBatch after one warm-up call. */
async function plainPerStep(backend: string, desc: ModelDesc, batch: number, steps: number): Promise<Count> {
  const model = buildPlainModel(desc);
  const { x, y } = plainBatch(desc, batch);
  try {
    await model.trainOnBatch(x, y);
    const c = await counted(backend, steps, async () => { for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y); });
    return toCount(c.kernels, c.dispatches);
  } finally {
    tf.dispose([x, y]);
    disposePlainModel(model);
  }
}

const n0 = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function top(label: string, c: Count, k: number): string[] {
  return [`  top ${k} kernels, ${label}:`, ...c.byKernel.slice(0, k).map((s) => `    ${s.name.padEnd(28)} ${n0(s.calls).padStart(8)}`)];
}

async function main(): Promise<void> {
  const { backends, webgpuNote } = await nodeBackends(flag('backends', 'cpu,webgpu'));
  if (webgpuNote) console.log(`webgpu skipped: ${webgpuNote}`);
  const batch = numFlag('batch', 8);
  const steps = numFlag('steps', 2);
  const k = numFlag('top', 10);
  const fused = flag('fused', 'on');
  if (fused !== 'on' && fused !== 'off') throw new Error(`--fused: expected on or off, got ${fused}`);
  setFusedTraining(fused === 'on');
  console.log(`ours with the ${fused === 'on' ? 'fused kernels' : 'stock composites'} (--fused ${fused})`);
  const archs = flag('archs-list', 'seed,grown,search').split(',') as ReferenceArchName[];
  const rows: Record<string, unknown>[] = [];
  const table: string[] = ['| backend | architecture | ours kernels | plain kernels | ratio | ours dispatches | plain dispatches | ratio |', '| --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const backend of backends) {
    const label = await useBackend(backend);
    for (const arch of archs) {
      const desc = loadReferenceArch(arch);
      const before = tf.memory().numTensors;
      const ours = await oursPerStep(backend, desc, batch, steps);
      // Ours only: tf.layers' trainOnBatch itself keeps one tensor per model.
      const leaked = tf.memory().numTensors - before;
      const plain = await plainPerStep(backend, desc, batch, steps);
      const ratio = ours.kernels / plain.kernels;
      const dRatio = ours.dispatches !== null && plain.dispatches !== null ? ours.dispatches / plain.dispatches : null;
      console.log(`\n${label} ${arch} (batch ${batch}, per training step): ours ${n0(ours.kernels)} kernels, plain tf.layers ${n0(plain.kernels)}, ratio ${ratio.toFixed(2)}`
        + (dRatio !== null ? `; WebGPU dispatches ours ${n0(ours.dispatches as number)}, plain ${n0(plain.dispatches as number)}, ratio ${dRatio.toFixed(2)}` : '')
        + (leaked !== 0 ? `; ours left ${leaked} tensors not freed` : ''));
      for (const line of [...top('ours', ours, k), ...top('plain tf.layers', plain, k)]) console.log(line);
      table.push(`| ${backend} | ${arch} | ${n0(ours.kernels)} | ${n0(plain.kernels)} | ${ratio.toFixed(2)} | ${ours.dispatches === null ? '–' : n0(ours.dispatches)} | `
        + `${plain.dispatches === null ? '–' : n0(plain.dispatches)} | ${dRatio === null ? '–' : dRatio.toFixed(2)} |`);
      rows.push({ backend: label, arch, batch, ours, plain, ratio, dispatchRatio: dRatio, leakedTensors: leaked });
    }
  }
  console.log(`\n${table.join('\n')}`);
  console.log(`saved ${saveResult(flag('name', 'kernel-count'), { webgpuNote, fused, rows })}`);
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
