// Stock against fast cpu kernels in the same process: images/s of a whole training step (the app's trainer:
// trainPhase on a synthetic phase) of the reference architectures at 28×28 and a 14×14 variant, and the
// ratio. As in step-timers.ts, a 1-step phase is subtracted from a (steps+1)-step phase after a warm-up, so
// a step is timed without what a phase pays once. Besides wall-clock time it reports images per second of
// this process's CPU time (user + system), which another process competing for the cores disturbs far
// less on a shared machine. The two kernel sets alternate per configuration.
// Usage: npx tsx bench/kernels/cpu-kernels-ab.ts [--batch 16] [--steps 1] [--archs-list seed,grown] [--sizes 28,14]

import type { ModelDesc } from '../../src/core/space/model-desc.ts';
import { registerFastCpuKernels, restoreStockCpuKernels } from '../../src/ml/kernels/cpu/register.ts';
import { flag, loadReferenceArch, numFlag, saveResult, useBackend } from '../lib.ts';
import { oursStepSpeed as stepSpeed } from '../throughput/step-timers.ts';

const atSize = (desc: ModelDesc, size: number): ModelDesc => ({ ...desc, input: { ...desc.input, height: size, width: size } });

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
