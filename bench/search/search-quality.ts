// Search quality at a time budget (Node, headless runner): Petridish against random search over the same
// space with the SAME TIME BUDGET per run, several seeds. Every run is the command a user types,
// `npm run search -- --dataset D --minutes M --strategy S --seed N --backend B --out FILE` (measurement and
// budget sizing included), one run at a time, the two strategies alternating within each seed so that a
// change in the machine's load falls on both.
//
// Per run: the frontier export (bench/results/search-quality/<strategy>-<seed>.json) and the runner's log.
// Summary (bench/results/search-quality.json): the hypervolume of each pool in (multiply-adds, validation
// error) against one reference point shared by all runs (1.1 × the largest MAdd of any run's point, error 1),
// divided by the reference box; and the test accuracy of each run's lowest-validation-error point (test
// accuracy never chooses anything). Mean ± sd (sample) and min–max per strategy.
//
// Usage: npx tsx bench/search/search-quality.ts [--minutes 4] [--seeds 5] [--dataset mnist] [--backend cpu]
//        [--extra "--workers 1"] [--summarize-only]   (the last re-reads the saved runs and only summarises)

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { poolHypervolume } from '../../src/core/pareto/hypervolume.ts';
import type { SearchStrategy } from '../../src/core/scheduler/types.ts';
import { flag, numFlag, saveResult } from '../lib.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const STRATEGIES: readonly SearchStrategy[] = ['petridish', 'random'];

interface ExportPoint { id: string; madd: number; error: number; testAcc?: number | null; testCount?: number | null }
interface ExportFile { points: ExportPoint[]; best: { lowestError: string | null }; run: { preset: Record<string, unknown> } }

interface RunRecord {
  strategy: SearchStrategy;
  seed: number;
  /** Wall seconds of the whole command (start of npm to its exit). */
  wallSeconds: number;
  /** The frontier export's name inside the results folder. */
  file: string;
  /** 1-minute load average of the machine just before and just after the run. */
  loadBefore: number;
  loadAfter: number;
  exitCode: number;
}

export interface Stats { mean: number; sd: number; min: number; max: number; n: number }

/** Mean, sample standard deviation, min and max; throws on an empty list. */
export function stats(xs: readonly number[]): Stats {
  if (xs.length === 0) throw new Error('stats: no values');
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  return { mean, sd, min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}

function runOne(strategy: SearchStrategy, seed: number, dir: string, minutes: number, dataset: string, backend: string, extra: string[]): RunRecord {
  const file = `${strategy}-${seed}.json`;
  const args = ['run', '--silent', 'search', '--', '--dataset', dataset, '--minutes', String(minutes), '--strategy', strategy,
    '--seed', String(seed), '--backend', backend, '--out', join(dir, file), ...extra];
  const loadBefore = loadavg()[0] ?? 0;
  const t0 = Date.now();
  const r = spawnSync('npm', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const wallSeconds = (Date.now() - t0) / 1000;
  writeFileSync(join(dir, `${strategy}-${seed}.log`), `$ npm ${args.join(' ')}\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  const record = { strategy, seed, wallSeconds, loadBefore, loadAfter: loadavg()[0] ?? 0, exitCode: r.status ?? -1, file };
  console.log(`${strategy} seed ${seed}: exit ${record.exitCode}, ${wallSeconds.toFixed(0)} s, load ${loadBefore.toFixed(1)} → ${record.loadAfter.toFixed(1)}`);
  if (record.exitCode !== 0) console.log((r.stderr ?? '').split('\n').slice(-5).join('\n'));
  return record;
}

function summarise(runs: RunRecord[], dir: string, meta: Record<string, unknown>): void {
  const loaded = runs.filter((r) => r.exitCode === 0 && existsSync(join(dir, r.file)))
    .map((r) => ({ r, e: JSON.parse(readFileSync(join(dir, r.file), 'utf8')) as ExportFile }));
  const failed = runs.filter((r) => !loaded.some((l) => l.r === r));
  for (const f of failed) console.log(`left out: ${f.strategy} seed ${f.seed} (exit ${f.exitCode}, ${existsSync(join(dir, f.file)) ? 'export present' : 'no export'})`);
  const refMadd = 1.1 * Math.max(...loaded.flatMap(({ e }) => e.points.map((p) => p.madd)));
  const ref = { madd: refMadd, error: 1 };
  const perRun = loaded.map(({ r, e }) => {
    const best = e.points.find((p) => p.id === e.best.lowestError);
    const madds = e.points.map((p) => p.madd);
    return { strategy: r.strategy, seed: r.seed, wallSeconds: r.wallSeconds, loadBefore: r.loadBefore, loadAfter: r.loadAfter,
      points: e.points.length, maddSpan: Math.max(...madds) / Math.min(...madds),
      hypervolume: poolHypervolume(e.points, ref) / refMadd,
      bestValError: best?.error ?? null, bestTestAcc: best?.testAcc ?? null, bestTestCount: best?.testCount ?? null, bestMadd: best?.madd ?? null,
      preset: { inputDownsample: e.run.preset.inputDownsample, examplesPerClass: e.run.preset.examplesPerClass,
        epochs: (e.run.preset.seedTrain as { epochs?: number } | undefined)?.epochs, channels: e.run.preset.initNodeChannels } };
  });
  const summary = STRATEGIES.map((strategy) => {
    const rs = perRun.filter((p) => p.strategy === strategy);
    const acc = rs.map((p) => p.bestTestAcc).filter((v): v is number => v !== null);
    return { strategy, runs: rs.length, hypervolume: rs.length ? stats(rs.map((p) => p.hypervolume)) : null,
      bestTestAcc: acc.length ? stats(acc) : null, bestValError: rs.length ? stats(rs.map((p) => p.bestValError ?? 1)) : null,
      points: rs.length ? stats(rs.map((p) => p.points)) : null, wallSeconds: rs.length ? stats(rs.map((p) => p.wallSeconds)) : null };
  });
  for (const p of perRun) {
    console.log(`${p.strategy} seed ${p.seed}: ${p.points} points, MAdd span ${p.maddSpan.toFixed(1)}×, hypervolume ${p.hypervolume.toFixed(4)}, `
      + `best val error ${((p.bestValError ?? 1) * 100).toFixed(1)} %, its test accuracy ${p.bestTestAcc === null ? '-' : `${(p.bestTestAcc * 100).toFixed(1)} %`}, ${p.wallSeconds.toFixed(0)} s`);
  }
  const f = (s: Stats | null, k = 1, d = 4): string => (s ? `${(s.mean * k).toFixed(d)} ± ${(s.sd * k).toFixed(d)} (${(s.min * k).toFixed(d)}–${(s.max * k).toFixed(d)}, n=${s.n})` : '-');
  for (const s of summary) {
    console.log(`${s.strategy}: hypervolume ${f(s.hypervolume)}; best test accuracy % ${f(s.bestTestAcc, 100, 1)}; points ${f(s.points, 1, 1)}`);
  }
  console.log(`reference point: ${(refMadd / 1e6).toFixed(3)} M multiply-adds, error 1`);
  console.log(`saved ${saveResult('search-quality', { ...meta, ref, runs, perRun, summary, failed })}`);
}

async function main(): Promise<void> {
  const minutes = numFlag('minutes', 4);
  const seeds = numFlag('seeds', 5);
  const dataset = flag('dataset', 'mnist');
  const backend = flag('backend', 'cpu');
  const extra = flag('extra', '').split(' ').filter(Boolean);
  const dir = flag('dir', join(ROOT, 'bench', 'results', 'search-quality'));
  mkdirSync(dir, { recursive: true });
  const runsFile = join(dir, 'runs.json');
  const meta = { command: `npx tsx bench/search/search-quality.ts --minutes ${minutes} --seeds ${seeds} --dataset ${dataset} --backend ${backend}${extra.length ? ` --extra "${extra.join(' ')}"` : ''}`,
    minutes, seeds, dataset, backend, extra };
  if (process.argv.includes('--summarize-only')) {
    summarise(JSON.parse(readFileSync(runsFile, 'utf8')) as RunRecord[], dir, meta);
    return;
  }
  const runs: RunRecord[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    // Alternate which strategy goes first, so a drift in the machine's load does not favour one.
    const order = seed % 2 === 1 ? STRATEGIES : [...STRATEGIES].reverse();
    for (const strategy of order) {
      runs.push(runOne(strategy, seed, dir, minutes, dataset, backend, extra));
      writeFileSync(runsFile, `${JSON.stringify(runs, null, 2)}\n`);
    }
  }
  summarise(runs, dir, meta);
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
