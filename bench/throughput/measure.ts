// The throughput and utilisation measurement of one backend, shared by the Node script (bench/throughput/throughput.ts),
// the browser bench worker (bench/throughput/page/throughput.worker.ts) and the GPU pack: no Node or DOM APIs here.

import { countCost } from '../../src/core/cost/cost.ts';
import type { ModelDesc } from '../../src/core/space/model-desc.ts';
import { matmulFlops, oursImagesPerSecond, plainImagesPerSecond } from './step-timers.ts';

export type ArchName = 'seed' | 'grown';

export interface ThroughputRow {
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

export interface Sizes {
  batch: number;
  steps: number;
  matmul: number;
}

export interface BackendMeasurement {
  backend: string;
  matmul: { n: number; flops: number };
  rows: ThroughputRow[];
}

/** Default sizes: the pure-JS CPU backend is far slower than any GPU backend, so it gets a smaller run. */
export function defaultSizes(backend: string): Sizes {
  return backend === 'cpu' ? { batch: 8, steps: 2, matmul: 256 } : { batch: 32, steps: 10, matmul: 1024 };
}

const fmt = (n: number, d = 1): string => n.toFixed(d);

export function describeRow(r: ThroughputRow): string {
  return `${r.backend} ${r.arch}: ours ${fmt(r.oursImgPerSec)} img/s, plain tf.layers ${fmt(r.plainImgPerSec)} img/s, `
    + `ratio ${fmt(r.overheadRatio, 2)}; step ${fmt(r.oursFlops / 1e9, 3)} GFLOP/s = ${fmt(100 * r.utilisation, 1)}% of matmul`;
}

/** Measures the current TF.js backend (already selected, labelled `label`) on each reference architecture. */
export async function measureBackend(label: string, archs: Record<ArchName, ModelDesc>, sizes: Sizes,
  log: (line: string) => void = () => {}): Promise<BackendMeasurement> {
  const { batch, steps, matmul: n } = sizes;
  const mm = await matmulFlops(n, label === 'cpu' ? 3 : 10);
  log(`${label}: matmul ${n}×${n}: ${fmt(mm / 1e9, 2)} GFLOP/s`);
  const rows: ThroughputRow[] = [];
  for (const arch of ['seed', 'grown'] as const) {
    const desc = archs[arch];
    // Cost convention: countCost's MAdd is tensorwatch's count (a conv counts 2·k²·in − 1 per output, i.e.
    // FLOPs); a training step is taken as 3× the forward (forward + backward for inputs and weights).
    const stepFlopPerImage = 3 * countCost(desc).madd;
    const ours = await oursImagesPerSecond(desc, batch, steps);
    const plain = await plainImagesPerSecond(desc, batch, steps);
    const row: ThroughputRow = { backend: label, arch, batch, steps, oursImgPerSec: ours, plainImgPerSec: plain, overheadRatio: plain / ours,
      stepFlopPerImage, oursFlops: ours * stepFlopPerImage, matmulFlops: mm, utilisation: (ours * stepFlopPerImage) / mm };
    rows.push(row);
    log(describeRow(row));
  }
  return { backend: label, matmul: { n, flops: mm }, rows };
}
