// Stock against fast cpu kernels in the same process: images/s of a whole training step (the app's trainer:
// trainPhase on a synthetic phase) of the reference architectures at 28×28 and a 14×14 variant, and the
// ratio. As in step-timers.ts, a 1-step phase is subtracted from a (steps+1)-step phase after a warm-up, so
// a step is timed without what a phase pays once. Besides wall-clock time it reports images per second of
// this process's CPU time (user + system), which another process competing for the cores disturbs far
// less on a shared machine. The two kernel sets alternate per configuration.
// Usage: npx tsx bench/cpu-kernels-ab.ts [--batch 16] [--steps 1] [--archs-list seed,grown] [--sizes 28,14]

import type { ModelDesc } from '../src/core/space/model-desc.ts';
import { registerFastCpuKernels, restoreStockCpuKernels } from '../src/ml/kernels/cpu/register.ts';
import { buildNetwork } from '../src/ml/model/network.ts';
import { trainPhase } from '../src/ml/train/train.ts';
import { flag, loadReferenceArch, numFlag, saveResult, useBackend } from './lib.ts';
import { recipe, syntheticPhase } from './step-timers.ts';

interface Speed {
  wallImgPerSec: number;
  cpuImgPerSec: number;
}

const atSize = (desc: ModelDesc, size: number): ModelDesc => ({ ...desc, input: { ...desc.input, height: size, width: size } });

async function stepSpeed(desc: ModelDesc, batch: number, steps: number): Promise<Speed> {
  const data = syntheticPhase(desc, batch * (steps + 1) + 8);
  const net = buildNetwork(desc, { seed: 1 });
  const opts = { seed: 1, l1Alpha: 0, augment: { pad: 0, flip: false } };
  const timed = async (n: number): Promise<{ wall: number; cpu: number }> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await trainPhase(net, data, recipe(batch, n), opts);
    const c = process.cpuUsage(c0);
    return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
  };
  try {
    await timed(1);
    const one = await timed(1);
    const many = await timed(steps + 1);
    const images = batch * steps;
    return { wallImgPerSec: images / Math.max(many.wall - one.wall, 1e-6), cpuImgPerSec: images / Math.max(many.cpu - one.cpu, 1e-6) };
  } finally {
    net.dispose();
  }
}

async function main(): Promise<void> {
  await useBackend('cpu');
  const batch = numFlag('batch', 16);
  const steps = numFlag('steps', 1);
  const rows: Record<string, unknown>[] = [];
  for (const arch of flag('archs-list', 'seed,grown').split(',') as ('seed' | 'grown')[]) {
    for (const size of flag('sizes', '28,14').split(',').map(Number)) {
      const desc = atSize(loadReferenceArch(arch), size);
      restoreStockCpuKernels();
      const stock = await stepSpeed(desc, batch, steps);
      registerFastCpuKernels();
      const fast = await stepSpeed(desc, batch, steps);
      const row = { arch, size, batch, steps, stock, fast, wallRatio: fast.wallImgPerSec / stock.wallImgPerSec,
        cpuRatio: fast.cpuImgPerSec / stock.cpuImgPerSec };
      rows.push(row);
      const f = (n: number): string => n.toFixed(2);
      console.log(`${arch} ${size}×${size}, batch ${batch}: stock ${f(stock.wallImgPerSec)} img/s wall, ${f(stock.cpuImgPerSec)} img/CPU-s; `
        + `fast ${f(fast.wallImgPerSec)} img/s wall, ${f(fast.cpuImgPerSec)} img/CPU-s; ratio ${row.wallRatio.toFixed(1)}× wall, ${row.cpuRatio.toFixed(1)}× CPU`);
    }
  }
  console.log(`saved ${saveResult(flag('name', 'cpu-kernels-ab'), { rows })}`);
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
