// Where a training step's time goes on the TF.js cpu backend: one training step of the reference
// architectures (28×28 and a 14×14 variant), every kernel call counted and timed by kernel name.
// Usage: npx tsx bench/kernels/cpu-kernels.ts [--kernels fast|stock] [--batch 32] [--steps 2] [--archs-list seed,grown]
//   [--sizes 28,14] [--top 15]

import * as tf from '@tensorflow/tfjs';
import type { ModelDesc } from '../../src/core/space/model-desc.ts';
import { registerFastCpuKernels, restoreStockCpuKernels } from '../../src/ml/kernels/cpu/register.ts';
import { buildNetwork } from '../../src/ml/model/network.ts';
import { trainPhase } from '../../src/ml/train/train.ts';
import { wrapKernels } from './kernel-timer.ts';
import { flag, loadReferenceArch, numFlag, useBackend } from '../lib.ts';
import { recipe, syntheticPhase } from '../throughput/step-timers.ts';

/** The description at a square input resolution `size`. */
function atSize(desc: ModelDesc, size: number): ModelDesc {
  return { ...desc, input: { ...desc.input, height: size, width: size } };
}

async function profile(label: string, desc: ModelDesc, batch: number, steps: number, top: number): Promise<void> {
  const net = buildNetwork(desc, { seed: 1 });
  const data = syntheticPhase(desc, batch * steps + 8);
  const opts = { seed: 1, l1Alpha: 0, augment: { pad: 0, flip: false } };
  const timer = wrapKernels('cpu');
  try {
    await trainPhase(net, data, recipe(batch, 1), opts);
    timer.reset();
    const t0 = performance.now();
    await trainPhase(net, data, recipe(batch, steps), opts);
    const wall = performance.now() - t0;
    const stats = timer.stats();
    const kernelMs = stats.reduce((s, k) => s + k.ms, 0);
    const calls = stats.reduce((s, k) => s + k.calls, 0);
    console.log(`\n${label}: batch ${batch}, ${steps} steps (+ validation of 8): ${(wall / 1000).toFixed(2)} s wall, `
      + `${(kernelMs / 1000).toFixed(2)} s in kernels, ${calls} kernel calls, ${((batch * steps) / (wall / 1000)).toFixed(1)} img/s`);
    for (const k of stats.slice(0, top)) {
      console.log(`  ${k.name.padEnd(40)} ${String(k.calls).padStart(6)} calls ${k.ms.toFixed(0).padStart(8)} ms ${(100 * k.ms / kernelMs).toFixed(1).padStart(5)} %`);
    }
  } finally {
    timer.unwrap();
    net.dispose();
  }
}

async function main(): Promise<void> {
  await useBackend('cpu');
  const kernels = flag('kernels', 'fast');
  if (kernels === 'fast') registerFastCpuKernels();
  else if (kernels === 'stock') restoreStockCpuKernels();
  else throw new Error(`--kernels: expected fast or stock, got ${kernels}`);
  console.log(`cpu backend, ${kernels} kernels`);
  const batch = numFlag('batch', 32);
  const steps = numFlag('steps', 2);
  const top = numFlag('top', 15);
  for (const name of flag('archs-list', 'seed,grown').split(',') as ('seed' | 'grown')[]) {
    const desc = loadReferenceArch(name);
    for (const size of flag('sizes', '28,14').split(',').map(Number)) await profile(`${name} ${size}×${size}`, atSize(desc, size), batch, steps, top);
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
