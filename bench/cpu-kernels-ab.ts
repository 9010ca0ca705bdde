// Stock against fast cpu kernels in the same process: images/s of a whole training step (the app's trainer,
// see step-timers.ts) of the reference architectures at 28×28 and a 14×14 variant, and the ratio. The two
// kernel sets alternate per configuration so that a shared machine's load affects both alike.
// Usage: npx tsx bench/cpu-kernels-ab.ts [--batch 16] [--steps 1] [--archs-list seed,grown] [--sizes 28,14]

import type { ModelDesc } from '../src/core/model-desc.ts';
import { registerFastCpuKernels, restoreStockCpuKernels } from '../src/ml/kernels/cpu/register.ts';
import { flag, loadReferenceArch, numFlag, saveResult, useBackend } from './lib.ts';
import { oursImagesPerSecond } from './step-timers.ts';

interface Row {
  arch: string;
  size: number;
  batch: number;
  steps: number;
  stockImgPerSec: number;
  fastImgPerSec: number;
  ratio: number;
}

const atSize = (desc: ModelDesc, size: number): ModelDesc => ({ ...desc, input: { ...desc.input, height: size, width: size } });

async function main(): Promise<void> {
  await useBackend('cpu');
  const batch = numFlag('batch', 16);
  const steps = numFlag('steps', 1);
  const rows: Row[] = [];
  for (const arch of flag('archs-list', 'seed,grown').split(',') as ('seed' | 'grown')[]) {
    for (const size of flag('sizes', '28,14').split(',').map(Number)) {
      const desc = atSize(loadReferenceArch(arch), size);
      restoreStockCpuKernels();
      const stock = await oursImagesPerSecond(desc, batch, steps);
      registerFastCpuKernels();
      const fast = await oursImagesPerSecond(desc, batch, steps);
      const row = { arch, size, batch, steps, stockImgPerSec: stock, fastImgPerSec: fast, ratio: fast / stock };
      rows.push(row);
      console.log(`${arch} ${size}×${size}, batch ${batch}: stock ${stock.toFixed(2)} img/s, fast ${fast.toFixed(2)} img/s, ${row.ratio.toFixed(1)}×`);
    }
  }
  console.log(`saved ${saveResult(flag('name', 'cpu-kernels-ab'), { rows })}`);
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
