// Throughput and utilisation in Node: images/second of the app's trainer and of a plain tf.layers model of
// the same reference architecture on each backend (cpu, webgpu through Dawn), their ratio, and the step's
// achieved FLOP/s as a fraction of the same backend's large matmul FLOP/s.
// Usage: npx tsx bench/throughput/throughput.ts [--backends cpu,webgpu] [--batch 16] [--steps 3] [--matmul 512]

import { flag, loadReferenceArch, nodeBackends, numFlag, saveResult, useBackend } from '../lib.ts';
import { defaultSizes, measureBackend, type BackendMeasurement } from './measure.ts';

async function main(): Promise<void> {
  const { backends, webgpuNote } = await nodeBackends(flag('backends', 'cpu,webgpu'));
  if (webgpuNote) console.log(`webgpu skipped: ${webgpuNote}`);
  const archs = { seed: loadReferenceArch('seed'), grown: loadReferenceArch('grown') };
  const measured: BackendMeasurement[] = [];
  for (const name of backends) {
    const label = await useBackend(name);
    const d = defaultSizes(name);
    const sizes = { batch: numFlag('batch', d.batch), steps: numFlag('steps', d.steps), matmul: numFlag('matmul', d.matmul) };
    measured.push(await measureBackend(label, archs, sizes, (line) => console.log(line)));
  }
  const matmul = Object.fromEntries(measured.map((m) => [m.backend, m.matmul]));
  const rows = measured.flatMap((m) => m.rows);
  console.log(`saved ${saveResult(flag('name', 'throughput-node'), { webgpuNote, matmul, rows })}`);
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
