// The headless runner's main: parse the arguments, pick the backend, load the dataset, run the search with a
// progress bar on stderr, and write the frontier export (and optionally the pool as CSV).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { frontierToCsv, type FrontierExport } from '../core/export/format.ts';
import { makePreset } from '../core/presets.ts';
import { APP_VERSION } from '../runtime/app-info.ts';
import { USAGE, parseCliArgs, type CliArgs } from './args.ts';
import { chooseNodeBackend, describeBackend, softwareSkipNote } from './backend.ts';
import { runHeadlessSearch } from './headless-search.ts';
import { heldForPoolSize } from '../core/scheduler/scheduler.ts';
import type { SchedulerState } from '../core/scheduler/types.ts';
import { runHeadlessFinal, type HeadlessFinalResult } from './headless-final.ts';
import { loadDatasetFromDisk } from './load-dataset.ts';
import { createProgressBar } from './progress.ts';
import { planBudget } from './budget-preset.ts';

export interface CliOutcome {
  args: CliArgs;
  backend: string;
  frontier: FrontierExport;
  final: HeadlessFinalResult | null;
}

/** The summary of a final training the CLI writes: the model, its settings and test accuracy beside the proxy's. */
export function finalSummary(r: HeadlessFinalResult) {
  const { training: t, point } = r;
  return {
    id: t.id, pointId: point.id, proxy: { valError: point.error, madd: point.madd, params: point.params },
    final: { testAcc: t.result?.testAcc, testLoss: t.result?.testLoss, testCount: t.result?.testCount, madd: t.result?.madd,
      params: t.result?.params, history: t.result?.history },
    spec: t.spec, desc: t.desc, seconds: r.seconds, tensorsBefore: r.tensorsBefore, tensorsAfter: r.tensorsAfter,
  };
}

function percent(v: number): string {
  return `${(v * 100).toFixed(1)} %`;
}

/** Said when the tiny preset (the default) runs, so that errors near chance are not read as a broken search. */
export const TINY_NOTE = 'preset tiny: a smoke test that checks the whole search works in a minute or two; its models train 2 batches '
  + 'per phase and are not expected to learn (validation errors of 80–100 % are normal). For models that learn use --minutes N';

/** The exit status of a search that ran: 0 with at least one model, EXIT_EMPTY_POOL when it trained none. */
export const EXIT_EMPTY_POOL = 2;

export function exitCodeOf(outcome: Pick<CliOutcome, 'frontier'>): number {
  return outcome.frontier.points.length === 0 ? EXIT_EMPTY_POOL : 0;
}

/**
 * What the runner says when the search ended with no model: that none was trained, why the search ended, the
 * failed jobs' distinct errors (the last of each), that the export holds no points, and that the exit status is 2.
 */
export function emptyPoolWords(state: SchedulerState, out: string): string[] {
  const failed = state.jobs.filter((j) => j.status === 'failed' && j.error);
  const errors = [...new Map(failed.map((j) => [j.error, j.id])).entries()];
  return [
    `no model was trained: the search ended (${state.finishReason ?? state.status}) with an empty pool.`,
    ...(failed.length ? [`${failed.length} job${failed.length === 1 ? '' : 's'} failed for good:`,
      ...errors.map(([error, id]) => `  ${id}: ${error}`)] : []),
    `${out} was written with 0 points; exit status ${EXIT_EMPTY_POOL}.`,
  ];
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/**
 * Runs the headless search of `argv`. A time budget (--minutes) counts from `startedAt` (ms since the epoch):
 * the entry point passes the process's start, so loading the code and the dataset is part of the budget.
 */
export async function runSearchCli(argv: readonly string[], stderr: NodeJS.WriteStream = process.stderr, startedAt = Date.now()): Promise<CliOutcome> {
  const args = parseCliArgs(argv);
  if (args.help) throw new Error(`runSearchCli: --help asks for the usage, not a search\n${USAGE}`);
  const bar = createProgressBar(stderr, !args.quiet);
  const backendInfo = await chooseNodeBackend(args.backend);
  const backend = describeBackend(backendInfo);
  bar.log(`backend: ${backend}`);
  const skipped = softwareSkipNote(backendInfo);
  if (skipped) bar.log(skipped);
  const dataset = loadDatasetFromDisk(args.dataset);
  bar.log(`dataset: ${dataset.name}, ${dataset.train.count} training images ${dataset.shape.height}×${dataset.shape.width}×${dataset.shape.channels}, ${dataset.numClasses} classes`);
  const overrides = {
    ...(args.seed !== null ? { seed: args.seed } : {}),
    ...(args.maxPoolSize !== null ? { maxPoolSize: args.maxPoolSize } : {}),
    ...(args.examplesPerClass !== null ? { examplesPerClass: args.examplesPerClass } : {}),
    ...(args.l1Alpha !== null ? { l1Alpha: args.l1Alpha } : {}),
    ...(args.topK !== null ? { topK: args.topK } : {}),
    ...(args.testExamples !== null ? { testExamples: args.testExamples === 'all' ? null : args.testExamples } : {}),
  };
  let preset = makePreset(args.preset, overrides);
  if (args.minutes === null && args.preset === 'tiny') bar.log(TINY_NOTE);
  if (args.minutes !== null) {
    const plan = await planBudget({ dataset, backend: backendInfo.backend, minutes: args.minutes, startedAt, seed: args.seed ?? undefined, workers: args.workers,
      onProgress: (f, stage) => bar.update({ points: 0, maxPoints: null, job: `measuring: ${stage}`, epoch: 1, epochs: 1, batch: Math.round(f * 100), batches: 100, loss: NaN }) });
    preset = makePreset('budget', { ...plan.sized.overrides, maxSeconds: plan.preset.maxSeconds, ...overrides });
    bar.log(`measured in ${plan.model.measuredSeconds.toFixed(1)} s${plan.model.partial ? ' (partly inferred)' : ''}: ${plan.sized.explanation}`);
  }
  const maxPoints = preset.maxPoolSize;
  let points = 0;
  if (args.workers > 1) bar.log(`workers: ${args.workers} trainer threads, one job each at a time`);
  const { frontier, state } = await runHeadlessSearch({
    dataset, preset, strategy: args.strategy, appVersion: APP_VERSION, workers: args.workers,
    backend: backendInfo.backend === 'webgpu' ? 'webgpu' : 'cpu', tickMs: 1000,
    onProgress: (job, p) => bar.update({ points, maxPoints, job: `${job.id.split('-').pop() ?? job.id} ${job.kind}`,
      epoch: p.epoch, epochs: p.epochs, batch: p.batch, batches: p.batches, loss: p.trainLoss }),
    onJobEnd: (r, s) => {
      points = s.pool.length;
      const point = s.pool.find((p) => p.jobId === r.jobId);
      const scores = point ? `: val error ${percent(point.error)}${point.testAcc !== undefined ? `, test accuracy ${percent(point.testAcc)} (${point.testCount} ${point.testSource === 'held-out' ? 'held-out' : 'test'} examples)` : ''}` : '';
      bar.log(`${r.jobId} ${r.kind} ${r.outcome}${args.workers > 1 ? ` on ${r.thread}` : ''}${r.error ? `: ${r.error}` : ''} in ${((r.endedAt - r.startedAt) / 1000).toFixed(1)} s${scores}; pool ${s.pool.length}`);
      const held = s.status === 'running' ? heldForPoolSize(s) : 0;
      if (held > 0) bar.log(`${held} job${held === 1 ? '' : 's'} wait${held === 1 ? 's' : ''}: the jobs running will fill the pool to ${maxPoints}`);
    },
  });
  bar.done();
  write(args.out, `${JSON.stringify(frontier, null, 2)}\n`);
  if (args.csv) write(args.csv, frontierToCsv(frontier));
  bar.say(`${state.finishReason ?? state.status}; ${frontier.points.length} points, ${frontier.hull.length} on the hull → ${args.out} `
    + `(${((Date.now() - startedAt) / 1000).toFixed(0)} s since the start)`);
  if (frontier.points.length === 0) {
    for (const line of emptyPoolWords(state, args.out)) bar.say(line);
    if (args.final !== null) bar.say(`--final ${args.final}: not trained, the pool has no model to train.`);
    return { args, backend, frontier, final: null };
  }
  const best = frontier.points.find((p) => p.id === frontier.best.lowestError);
  if (best) bar.say(`best (lowest validation error): ${best.id}, val error ${percent(best.error)}${best.testAcc != null ? `, test accuracy ${percent(best.testAcc)} on ${best.testCount} examples` : ''}, ${best.madd} multiply-adds`);
  if (args.final === null) return { args, backend, frontier, final: null };
  const final = await runHeadlessFinal({ runId: frontier.run.id, dataset, preset, pool: state.pool, pointId: args.final,
    choices: { ...(args.finalEpochs !== null ? { epochs: args.finalEpochs } : {}), ...(args.finalWidth !== null ? { initNodeChannels: args.finalWidth } : {}) },
    onProgress: (job, p) => bar.update({ points, maxPoints, job: `${job.id.split('-').pop() ?? job.id} final_train`,
      epoch: p.epoch, epochs: p.epochs, batch: p.batch, batches: p.batches, loss: p.trainLoss }) });
  bar.done();
  const finalOut = args.finalOut ?? args.out.replace(/(\.json)?$/, '.final.json');
  write(finalOut, `${JSON.stringify(finalSummary(final), null, 2)}\n`);
  const r = final.training.result;
  bar.log(`final training of ${final.point.id}: test accuracy ${((r?.testAcc ?? 0) * 100).toFixed(2)} % on ${r?.testCount ?? 0} images `
    + `(proxy validation error ${(final.point.error * 100).toFixed(2)} %), ${final.seconds.toFixed(1)} s → ${finalOut}`);
  return { args, backend, frontier, final };
}
