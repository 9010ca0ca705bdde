// Images per second of the app's training step with the stock composites (batch norm, SGD) against the fused
// kernels, in the same process on the same backend, alternating A and B for each round so that a change in
// the machine's load hits both. The old path is the same code with setFusedTraining(false). Images/s by wall
// clock and by this process's CPU time (less disturbed by other processes on a shared machine).
// Usage: npx tsx bench/kernels/fused-ab.ts [--backends cpu,webgpu] [--archs-list seed,grown,search] [--batch 8]
//   [--steps 2] [--rounds 2]

import { setFusedTraining } from '../../src/ml/kernels/fused/register.ts';
import { flag, loadReferenceArch, nodeBackends, numFlag, saveResult, useBackend, type ReferenceArchName } from '../lib.ts';
import { oursStepSpeed, type Speed } from '../throughput/step-timers.ts';

async function main(): Promise<void> {
  const { backends, webgpuNote } = await nodeBackends(flag('backends', 'cpu,webgpu'));
  if (webgpuNote) console.log(`webgpu skipped: ${webgpuNote}`);
  const batch = numFlag('batch', 8);
  const steps = numFlag('steps', 2);
  const rounds = numFlag('rounds', 2);
  const archs = flag('archs-list', 'seed,grown,search').split(',') as ReferenceArchName[];
  const rows: Record<string, unknown>[] = [];
  const table = ['| backend | architecture | stock img/s (wall) | fused img/s (wall) | fused / stock | stock img/CPU-s | fused img/CPU-s | fused / stock |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |'];
  try {
    for (const backend of backends) {
      const label = await useBackend(backend);
      for (const arch of archs) {
        const desc = loadReferenceArch(arch);
        const stock: Speed[] = [];
        const fused: Speed[] = [];
        for (let r = 0; r < rounds; r++) {
          setFusedTraining(false);
          stock.push(await oursStepSpeed(desc, batch, steps));
          setFusedTraining(true);
          fused.push(await oursStepSpeed(desc, batch, steps));
        }
        const mean = (xs: Speed[], k: keyof Speed): number => xs.reduce((a, b) => a + b[k], 0) / xs.length;
        const ratio = mean(fused, 'wallImgPerSec') / mean(stock, 'wallImgPerSec');
        const cpuRatio = mean(fused, 'cpuImgPerSec') / mean(stock, 'cpuImgPerSec');
        const list = (xs: Speed[], k: keyof Speed): string => xs.map((v) => v[k].toFixed(1)).join(', ');
        console.log(`${label} ${arch} (batch ${batch}, ${steps} steps × ${rounds} rounds): img/s by wall, stock ${list(stock, 'wallImgPerSec')}, `
          + `fused ${list(fused, 'wallImgPerSec')}, ratio ${ratio.toFixed(2)}; by CPU time, stock ${list(stock, 'cpuImgPerSec')}, `
          + `fused ${list(fused, 'cpuImgPerSec')}, ratio ${cpuRatio.toFixed(2)}`);
        table.push(`| ${backend} | ${arch} | ${mean(stock, 'wallImgPerSec').toFixed(1)} | ${mean(fused, 'wallImgPerSec').toFixed(1)} | ${ratio.toFixed(2)} | `
          + `${mean(stock, 'cpuImgPerSec').toFixed(1)} | ${mean(fused, 'cpuImgPerSec').toFixed(1)} | ${cpuRatio.toFixed(2)} |`);
        rows.push({ backend: label, arch, batch, steps, stock, fused, ratio, cpuRatio });
      }
    }
  } finally {
    setFusedTraining(true);
  }
  console.log(`\n${table.join('\n')}`);
  console.log(`saved ${saveResult(flag('name', 'fused-ab'), { webgpuNote, rows })}`);
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
