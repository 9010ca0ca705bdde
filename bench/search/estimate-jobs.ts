// The time estimate's per-job prices against real jobs, for presets whose whole run is too long to time
// here (`standard` stops at 4 h; `paper` would take years on a CPU). The page's estimate of a search is a sum
// of per-job prices (src/core/budget/estimate.ts: epochs × (training steps + validation steps) + a test pass +
// the device's per-job overhead, each step priced by the measured cost model), and the step counts are exact
// by construction, so each real job's time against its price says how far the whole estimate can be off.
//
// It measures the device as the page does (≤ 30 s), prints the preset's whole-run estimate, then runs the
// preset's real search with the headless runner for `--minutes` and prices every job that finished on the
// network it really trained (the parent with the candidate inserted for a search job). `--truncate N` keeps
// the preset's networks, batch sizes and data but cuts every phase to one epoch of N batches and N batches
// of validation, for presets whose single job takes hours. `--clock cpu` times the measurement by this
// process's CPU time and sets each job's CPU time against its price: the TF.js cpu backend runs one job on
// one thread at a time here, so CPU time is the wall time on an unloaded core, and the figures hold on a
// machine whose cores other work shares.
// Usage: npx tsx bench/search/estimate-jobs.ts --preset standard --minutes 40 [--truncate 0] [--clock wall|cpu] [--backend cpu] [--dataset mnist]

import { estimateSearch, jobSeconds, describeEstimate, testExamplesOf } from '../../src/core/budget/estimate.ts';
import { networkSize } from '../../src/core/budget/cost-model.ts';
import { insertCandidate } from '../../src/core/space/grow.ts';
import { makePreset } from '../../src/core/presets.ts';
import type { PresetName, PhaseRecipe } from '../../src/core/training/training-config.ts';
import type { Job } from '../../src/core/search-types.ts';
import { loadDatasetFromDisk } from '../../src/cli/load-dataset.ts';
import { runHeadlessSearch } from '../../src/cli/headless-search.ts';
import { summarizeDataset } from '../../src/data/dataset.ts';
import { measureDevice } from '../../src/ml/train/measure-device.ts';
import { flag, numFlag, saveResult, useBackend, machine } from '../lib.ts';
import { loadavg } from 'node:os';

const la = (): number => loadavg()[0] ?? 0;

/** CPU seconds (user + system) this process has used. */
const cpuSeconds = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

/**
 * real: wall seconds of the job; cpuShare: CPU seconds / wall seconds over the job (the share of a core it
 * got); corrected: real × cpuShare / the measurement's cpuShare, the wall time the job would have taken with
 * the share of a core the measurement had (this machine's cores are shared, so the load moves under a run).
 */
interface Row { jobId: string; kind: string; madd: number; layers: number; estimated: number; real: number; ratio: number; cpuShare: number; corrected: number; correctedRatio: number; cpuSeconds: number; cpuRatio: number }

async function main(): Promise<void> {
  const backend = await useBackend(flag('backend', 'cpu'));
  const name = flag('preset', 'standard') as PresetName;
  const minutes = numFlag('minutes', 40);
  const truncate = flag('truncate', '') === '' ? 0 : numFlag('truncate', 1);
  const cut: Partial<PhaseRecipe> | undefined = truncate > 0 ? { epochs: 1, maxBatchesPerEpoch: truncate } : undefined;
  const full = makePreset(name, {});
  const preset = makePreset(name, {
    maxSeconds: minutes * 60,
    ...(cut ? {
      seedTrain: { ...cut, maxValExamples: truncate * full.seedTrain.batchSize },
      search: { ...cut, maxValExamples: truncate * full.search.batchSize },
      postTrain: { ...cut, maxValExamples: truncate * full.postTrain.batchSize },
      testExamples: truncate * full.seedTrain.batchSize,
    } : {}),
  });
  const dataset = loadDatasetFromDisk(flag('dataset', 'mnist'));
  const summary = summarizeDataset(dataset);
  const load0 = la();
  const [cpu0, wall0] = [cpuSeconds(), performance.now()];
  const clock = flag('clock', 'wall');
  const model = await measureDevice({ shape: summary.shape, numClasses: summary.numClasses, space: preset.space, backend,
    ...(clock === 'cpu' ? { now: () => cpuSeconds() * 1000 } : {}) });
  const measureShare = (cpuSeconds() - cpu0) / ((performance.now() - wall0) / 1000);
  const whole = estimateSearch(full, summary, model, 1);
  console.log(`${backend} (${clock} clock): measured in ${model.measuredSeconds.toFixed(1)} s${model.partial ? ' (partly inferred)' : ''} (load average ${load0.toFixed(1)}, ${(100 * measureShare).toFixed(0)} % of a core)`);
  console.log(`preset ${name}, one worker: the page would say ${describeEstimate(whole)} (${(whole.uncappedSeconds / 3600).toFixed(1)} h without its time limit; ${whole.seedJobs} seeds, ${whole.grownPairs} grown pairs)`);
  console.log(`running the ${truncate > 0 ? `truncated (1 epoch × ${truncate} batches per phase) ` : ''}${name} search for ${minutes} min, one worker, and pricing each finished job`);

  const jobs = new Map<string, Job>();
  const cpuAtStart = new Map<string, number>();
  const rows: Row[] = [];
  const recipeOf = (kind: string): PhaseRecipe => (kind === 'seed_train' ? preset.seedTrain : kind === 'search' ? preset.search : preset.postTrain);
  await runHeadlessSearch({
    dataset, preset, strategy: 'petridish', workers: 1, tickMs: 1000,
    onJobStart: (job) => { jobs.set(job.id, structuredClone(job)); cpuAtStart.set(job.id, cpuSeconds()); },
    onJobEnd: (record) => {
      const job = jobs.get(record.jobId);
      if (!job || record.outcome !== 'done') {
        console.log(`${record.jobId} ${record.kind} ${record.outcome} after ${((record.endedAt - record.startedAt) / 1000).toFixed(0)} s (not priced)`);
        return;
      }
      const size = networkSize(job.kind === 'search' ? insertCandidate(job.desc, preset.space) : job.desc);
      const testExamples = job.kind === 'search' ? 0 : testExamplesOf(preset, summary);
      const estimated = jobSeconds(model, preset, summary, recipeOf(job.kind), size, testExamples).seconds;
      const real = (record.endedAt - record.startedAt) / 1000;
      const cpuShare = (cpuSeconds() - (cpuAtStart.get(record.jobId) ?? cpuSeconds())) / real;
      const corrected = (real * cpuShare) / measureShare;
      const jobCpu = real * cpuShare;
      const row = { jobId: record.jobId, kind: job.kind, madd: size.madd, layers: size.layers, estimated, real, ratio: real / estimated, cpuShare, corrected, correctedRatio: corrected / estimated, cpuSeconds: jobCpu, cpuRatio: jobCpu / estimated };
      rows.push(row);
      console.log(`${row.jobId} ${row.kind}: ${(size.madd / 1e6).toFixed(2)} M MAdd, ${size.layers} layers; estimated ${estimated.toFixed(0)} s, real ${real.toFixed(0)} s: real / estimate = ${row.ratio.toFixed(2)}; it had ${(100 * cpuShare).toFixed(0)} % of a core, so at the measurement's share ${corrected.toFixed(0)} s: ${row.correctedRatio.toFixed(2)}; its CPU time ${jobCpu.toFixed(0)} s: ${row.cpuRatio.toFixed(2)} (load average ${la().toFixed(1)})`);
    },
  });
  const sumReal = rows.reduce((a, r) => a + r.real, 0);
  const sumEst = rows.reduce((a, r) => a + r.estimated, 0);
  const sumCorrected = rows.reduce((a, r) => a + r.corrected, 0);
  const worst = rows.reduce((a, r) => Math.max(a, r.ratio, 1 / r.ratio), 0);
  const worstCorrected = rows.reduce((a, r) => Math.max(a, r.correctedRatio, 1 / r.correctedRatio), 0);
  const sumCpu = rows.reduce((a, r) => a + r.cpuSeconds, 0);
  const cpuRatios = rows.map((r) => r.cpuRatio);
  console.log(`${rows.length} jobs priced: real ${sumReal.toFixed(0)} s against estimated ${sumEst.toFixed(0)} s, real / estimate = ${(sumReal / Math.max(1e-9, sumEst)).toFixed(2)}, worst single job off by ${worst.toFixed(2)}×; at the measurement's share of a core ${(sumCorrected / Math.max(1e-9, sumEst)).toFixed(2)}, worst ${worstCorrected.toFixed(2)}×; by CPU time ${(sumCpu / Math.max(1e-9, sumEst)).toFixed(2)}, per job ${Math.min(...cpuRatios).toFixed(2)}–${Math.max(...cpuRatios).toFixed(2)} (load average ${la().toFixed(1)} at the end)`);
  saveResult(`estimate-jobs-${backend}-${name}${truncate > 0 ? `-t${truncate}` : ''}-${clock}`, { machine: machine(), backend, clock, preset: name, minutes, truncate, model, sumCpu, measureShare, whole, rows, sumReal, sumEst, sumCorrected, load0, load1: la() });
}

void main();
