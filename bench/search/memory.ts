// Memory over a 20-job tiny Petridish search in Node (CPU backend, MNIST 14×14): TF.js tensors and bytes
// before and after every job (a leak is any growth), and the stored size of each pool point plus its weights
// (structured-clone size of the point record, as IndexedDB stores it, plus the serialised weights buffer).
// Usage: npx tsx bench/search/memory.ts [--jobs 20] [--backend cpu]

import { serialize } from 'node:v8';
import { makePreset } from '../../src/core/presets.ts';
import { serializeWeights } from '../../src/ml/weights/weights-codec.ts';
import { runHeadlessSearch } from '../../src/cli/headless-search.ts';
import { flag, numFlag, saveResult, useBackend } from '../lib.ts';
import { mnist14 } from './mnist-small.ts';

async function main(): Promise<void> {
  const backend = await useBackend(flag('backend', 'cpu'));
  const jobs = numFlag('jobs', 20);
  // Petridish: 2 seed jobs, then 2 jobs (search + post-train) per further point.
  const maxPoolSize = 2 + Math.ceil((jobs - 2) / 2);
  const phase = { epochs: 1, batchSize: 16, maxBatchesPerEpoch: 2, maxValExamples: 32 };
  const preset = makePreset('tiny', { maxPoolSize, examplesPerClass: 20, seedTrain: phase, search: phase, postTrain: phase });
  const result = await runHeadlessSearch({ dataset: mnist14(), preset, strategy: 'petridish',
    onJobEnd: (r) => console.log(`${r.jobId} ${r.kind} ${r.outcome}: tensors ${r.tensorsBefore} → ${r.tensorsAfter}, `
      + `bytes ${r.bytesBefore} → ${r.bytesAfter} (${((r.endedAt - r.startedAt) / 1000).toFixed(1)} s)`) });
  const leaks = result.jobs.map((r) => r.tensorsAfter - r.tensorsBefore);
  const perPoint = result.state.pool.map((p) => {
    const w = result.weights.get(p.weightsKey);
    const pointBytes = serialize(p).byteLength;
    const weightBytes = w ? serializeWeights(w).byteLength : 0;
    return { id: p.id, pointBytes, weightBytes, total: pointBytes + weightBytes, params: p.params };
  });
  const mean = perPoint.reduce((s, p) => s + p.total, 0) / Math.max(1, perPoint.length);
  console.log(`${backend}: ${result.jobs.length} jobs, tensor leaks per job [${leaks.join(', ')}], total ${leaks.reduce((a, b) => a + b, 0)}`);
  console.log(`stored bytes per pool point: mean ${Math.round(mean)} (point record + weights), max ${Math.max(...perPoint.map((p) => p.total))}`);
  console.log(`saved ${saveResult('memory-node', { backend, jobs: result.jobs, leaks, perPoint, meanBytesPerPoint: mean })}`);
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
