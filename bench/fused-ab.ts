// Images per second of the app's training step with the stock composites (batch norm, SGD) against the fused
// kernels, in the same process on the same backend, alternating A and B for each round so that a change in
// the machine's load hits both. The old path is the same code with setFusedTraining(false).
// Usage: npx tsx bench/fused-ab.ts [--backends cpu,webgpu] [--archs-list seed,grown,search] [--batch 8]
//   [--steps 2] [--rounds 2]

import { setFusedTraining } from '../src/ml/kernels/fused/register.ts';
import { flag, loadReferenceArch, nodeBackends, numFlag, saveResult, useBackend, type ReferenceArchName } from './lib.ts';
import { oursImagesPerSecond } from './step-timers.ts';

async function main(): Promise<void> {
  const { backends, webgpuNote } = await nodeBackends(flag('backends', 'cpu,webgpu'));
  if (webgpuNote) console.log(`webgpu skipped: ${webgpuNote}`);
  const batch = numFlag('batch', 8);
  const steps = numFlag('steps', 2);
  const rounds = numFlag('rounds', 2);
  const archs = flag('archs-list', 'seed,grown,search').split(',') as ReferenceArchName[];
  const rows: Record<string, unknown>[] = [];
  const table = ['| backend | architecture | stock img/s | fused img/s | fused / stock |', '| --- | --- | --- | --- | --- |'];
  try {
    for (const backend of backends) {
      const label = await useBackend(backend);
      for (const arch of archs) {
        const desc = loadReferenceArch(arch);
        const stock: number[] = [];
        const fused: number[] = [];
        for (let r = 0; r < rounds; r++) {
          setFusedTraining(false);
          stock.push(await oursImagesPerSecond(desc, batch, steps));
          setFusedTraining(true);
          fused.push(await oursImagesPerSecond(desc, batch, steps));
        }
        const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
        const ratio = mean(fused) / mean(stock);
        console.log(`${label} ${arch} (batch ${batch}, ${steps} steps × ${rounds} rounds): stock ${stock.map((v) => v.toFixed(1)).join(', ')} img/s; `
          + `fused ${fused.map((v) => v.toFixed(1)).join(', ')} img/s; fused / stock ${ratio.toFixed(2)}`);
        table.push(`| ${backend} | ${arch} | ${mean(stock).toFixed(1)} | ${mean(fused).toFixed(1)} | ${ratio.toFixed(2)} |`);
        rows.push({ backend: label, arch, batch, steps, stock, fused, ratio });
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
