// Throughput and utilisation in Node: images/second of the app's trainer and of a plain tf.layers model of
// the same reference architecture on each backend (cpu, webgpu through Dawn), their ratio, and the step's
// achieved FLOP/s as a fraction of the same backend's large matmul FLOP/s.
// Usage: npx tsx bench/throughput.ts [--backends cpu,webgpu] [--batch 16] [--steps 3] [--matmul 512]

import { countCost } from '../src/core/cost.ts';
import { flag, loadReferenceArch, nodeBackends, numFlag, saveResult, useBackend, type ArchName } from './lib.ts';
import { matmulFlops, oursImagesPerSecond, plainImagesPerSecond } from './step-timers.ts';

interface Row {
  backend: string;
  arch: ArchName;
  batch: number;
  steps: number;
  oursImgPerSec: number;
  plainImgPerSec: number;
  /** plain / ours: time per image of ours relative to the plain model; ≤ 1 means no overhead. */
  overheadRatio: number;
  stepFlopPerImage: number;
  oursFlops: number;
  matmulFlops: number;
  utilisation: number;
}

const fmt = (n: number, d = 1): string => n.toFixed(d);

async function main(): Promise<void> {
  const { backends, webgpuNote } = await nodeBackends(flag('backends', 'cpu,webgpu'));
  if (webgpuNote) console.log(`webgpu skipped: ${webgpuNote}`);
  const rows: Row[] = [];
  const matmul: Record<string, { n: number; flops: number }> = {};
  for (const name of backends) {
    const label = await useBackend(name);
    const batch = numFlag('batch', name === 'cpu' ? 8 : 32);
    const steps = numFlag('steps', name === 'cpu' ? 2 : 10);
    const n = numFlag('matmul', name === 'cpu' ? 256 : 1024);
    const mm = await matmulFlops(n, name === 'cpu' ? 3 : 10);
    matmul[label] = { n, flops: mm };
    console.log(`${label}: matmul ${n}×${n}: ${fmt(mm / 1e9, 2)} GFLOP/s`);
    for (const arch of ['seed', 'grown'] as const) {
      const desc = loadReferenceArch(arch);
      // Cost convention: countCost's MAdd is tensorwatch's count (a conv counts 2·k²·in − 1 per output, i.e.
      // FLOPs); a training step is taken as 3× the forward (forward + backward for inputs and weights).
      const stepFlopPerImage = 3 * countCost(desc).madd;
      const ours = await oursImagesPerSecond(desc, batch, steps);
      const plain = await plainImagesPerSecond(desc, batch, steps);
      const row: Row = { backend: label, arch, batch, steps, oursImgPerSec: ours, plainImgPerSec: plain, overheadRatio: plain / ours,
        stepFlopPerImage, oursFlops: ours * stepFlopPerImage, matmulFlops: mm, utilisation: (ours * stepFlopPerImage) / mm };
      rows.push(row);
      console.log(`${label} ${arch}: ours ${fmt(ours)} img/s, plain tf.layers ${fmt(plain)} img/s, ratio ${fmt(row.overheadRatio, 2)}; `
        + `step ${fmt(row.oursFlops / 1e9, 3)} GFLOP/s = ${fmt(100 * row.utilisation, 1)}% of matmul`);
    }
  }
  console.log(`saved ${saveResult(flag('name', 'throughput-node'), { webgpuNote, matmul, rows })}`);
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
