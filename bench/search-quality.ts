// Search quality in Node (CPU, MNIST 14×14 subset): Petridish against random search over the same space with
// the same budget in training jobs, several seeds; hypervolume of each pool in (MAdd, error) space against a
// shared reference point (1.1 × the largest MAdd seen, error 1), normalised by the reference box, mean ± sd.
// Usage: npx tsx bench/search-quality.ts [--seeds 3] [--jobs 8]

import { poolHypervolume } from '../src/core/pareto/hypervolume.ts';
import { makePreset } from '../src/core/presets.ts';
import type { SearchStrategy } from '../src/core/scheduler/types.ts';
import { runHeadlessSearch } from '../src/cli/headless-search.ts';
import { flag, numFlag, saveResult, useBackend } from './lib.ts';
import { mnist14 } from './mnist-small.ts';

interface RunOutcome {
  strategy: SearchStrategy;
  seed: number;
  jobs: number;
  points: { madd: number; error: number }[];
  seconds: number;
}

function stats(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  return { mean, sd };
}

async function main(): Promise<void> {
  const backend = await useBackend(flag('backend', 'cpu'));
  const seeds = numFlag('seeds', 3);
  const jobs = numFlag('jobs', 8);
  const dataset = mnist14();
  const phase = { epochs: 1, batchSize: 16, maxBatchesPerEpoch: 6, maxValExamples: 100 };
  const runs: RunOutcome[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    for (const strategy of ['petridish', 'random'] as const) {
      // Same budget in training jobs: Petridish spends 2 jobs per grown point, random 1 per point.
      const maxPoolSize = strategy === 'random' ? jobs : 2 + Math.ceil((jobs - 2) / 2);
      const preset = makePreset('tiny', { seed, maxPoolSize, examplesPerClass: 50, seedTrain: phase, search: phase, postTrain: phase });
      const t0 = Date.now();
      const r = await runHeadlessSearch({ dataset, preset, strategy });
      const outcome = { strategy, seed, jobs: r.jobs.length, points: r.state.pool.map((p) => ({ madd: p.madd, error: p.error })),
        seconds: (Date.now() - t0) / 1000 };
      runs.push(outcome);
      console.log(`${strategy} seed ${seed}: ${outcome.jobs} jobs, ${outcome.points.length} points, ${outcome.seconds.toFixed(0)} s, `
        + `best error ${Math.min(...outcome.points.map((p) => p.error)).toFixed(3)}`);
    }
  }
  const refMadd = 1.1 * Math.max(...runs.flatMap((r) => r.points.map((p) => p.madd)));
  const ref = { madd: refMadd, error: 1 };
  const hv = (r: RunOutcome): number => poolHypervolume(r.points, ref) / refMadd;
  const summary = (['petridish', 'random'] as const).map((strategy) => {
    const values = runs.filter((r) => r.strategy === strategy).map(hv);
    return { strategy, hypervolume: values, ...stats(values) };
  });
  for (const s of summary) console.log(`${s.strategy}: normalised hypervolume ${s.mean.toFixed(4)} ± ${s.sd.toFixed(4)} (n=${s.hypervolume.length})`);
  console.log(`saved ${saveResult('search-quality-node', { backend, jobs, phase, ref, runs, summary })}`);
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
