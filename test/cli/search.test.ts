// The headless runner end to end in-process on the CPU backend: a tiny synthetic IDX dataset on disk, a
// Petridish search through seeds, a search and its post-train, a valid frontier export and CSV; bad flags.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { parseFrontierExport } from '../../src/core/export/format.ts';
import { execFileSync, spawnSync } from 'node:child_process';
import { USAGE, parseCliArgs } from '../../src/cli/args.ts';
import { PRESETS } from '../../src/core/presets.ts';
import { formatProgress } from '../../src/cli/progress.ts';
import { TINY_NOTE, exitCodeOf, runSearchCli } from '../../src/cli/run-cli.ts';
import { planBudget } from '../../src/cli/budget-preset.ts';
import { runHeadlessSearch } from '../../src/cli/headless-search.ts';
import { loadDatasetFromDisk } from '../../src/cli/load-dataset.ts';
import { makePreset } from '../../src/core/presets.ts';
import { idx } from '../data/make-files.ts';

/** 8×8 images whose class is readable from which quadrant is bright, so training has something to learn. */
function writeSyntheticIdx(dir: string, count: number, part: 'train' | 't10k' = 'train'): void {
  const pixels = new Uint8Array(count * 64);
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const label = i % 3;
    labels.push(label);
    for (let p = 0; p < 64; p++) {
      const row = Math.floor(p / 8);
      pixels[i * 64 + p] = Math.floor(row / 3) === label ? 200 : (i * 7 + p * 13) % 50;
    }
  }
  writeFileSync(join(dir, `${part}-images-idx3-ubyte`), idx([count, 8, 8], pixels));
  writeFileSync(join(dir, `${part}-labels-idx1-ubyte`), idx([count], labels));
}

describe('parseCliArgs', () => {
  it('applies defaults and reads every flag', () => {
    expect(parseCliArgs(['--out', 'a.json'])).toMatchObject({ dataset: 'mnist', preset: 'tiny', strategy: 'petridish', backend: 'auto', out: 'a.json' });
    expect(parseCliArgs(['--out', 'a.json', '--strategy', 'random', '--seed', '3', '--max-pool-size', '5', '--backend', 'cpu', '--quiet']))
      .toMatchObject({ strategy: 'random', seed: 3, maxPoolSize: 5, backend: 'cpu', quiet: true });
  });

  it('reads the L1 weight λ and top-k, which reach the preset of the search', () => {
    expect(parseCliArgs(['--out', 'a.json', '--l1-alpha', '0.01', '--top-k', '2'])).toMatchObject({ l1Alpha: 0.01, topK: 2 });
    expect(parseCliArgs(['--out', 'a.json', '--l1-alpha', '0'])).toMatchObject({ l1Alpha: 0, topK: null });
    expect(() => parseCliArgs(['--out', 'a', '--l1-alpha', '-1'])).toThrow(/--l1-alpha: "-1" is not a number ≥ 0/);
    expect(() => parseCliArgs(['--out', 'a', '--l1-alpha', 'x'])).toThrow(/--l1-alpha: "x"/);
    expect(() => parseCliArgs(['--out', 'a', '--top-k', '0'])).toThrow(/--top-k: "0" is not an integer ≥ 1/);
  });

  it('--help asks for the usage, which lists every preset and flag', () => {
    expect(parseCliArgs(['--help'])).toMatchObject({ help: true });
    expect(parseCliArgs(['--preset', 'huge', '-h'])).toMatchObject({ help: true });
    for (const name of Object.keys(PRESETS)) expect(USAGE).toContain(name);
    for (const flag of ['--l1-alpha', '--top-k', '--help', '--minutes']) expect(USAGE).toContain(flag);
  });

  it('`npm run search -- --help` prints the usage and exits 0', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/search.ts', '--help'], { encoding: 'utf8' });
    expect(out).toContain('usage: npm run search');
    for (const name of Object.keys(PRESETS)) expect(out).toContain(name);
    // A newcomer reads tiny's errors near chance as broken unless told it is a smoke test.
    expect(out.replace(/\s+/g, ' ')).toContain('tiny is a smoke test: it checks in a minute or two that the whole search works; '
      + 'its models train 2 batches per phase and are not expected to learn');
  });

  it('names the flag and the bad value', () => {
    expect(() => parseCliArgs([])).toThrow(/--out: the output file is required/);
    expect(() => parseCliArgs(['--out', 'a', '--preset', 'huge'])).toThrow(/--preset: "huge" is not one of tiny, standard, paper/);
    expect(() => parseCliArgs(['--out', 'a', '--max-pool-size', '0'])).toThrow(/--max-pool-size: "0" is not an integer ≥ 1/);
    expect(() => parseCliArgs(['--out', 'a', '--seed'])).toThrow(/--seed: a value is missing/);
    expect(() => parseCliArgs(['--out', 'a', '--bogus', '1'])).toThrow(/unknown flag "--bogus"/);
    expect(parseCliArgs(['--out', 'a', '--test-examples', 'all']).testExamples).toBe('all');
    expect(parseCliArgs(['--out', 'a', '--test-examples', '500']).testExamples).toBe(500);
    expect(parseCliArgs(['--out', 'a']).testExamples).toBeNull();
    expect(() => parseCliArgs(['--out', 'a', '--test-examples', 'some'])).toThrow(/--test-examples: "some" is not an integer ≥ 1/);
    expect(parseCliArgs(['--out', 'a', '--final', 'best', '--final-epochs', '2', '--final-width', '6']))
      .toMatchObject({ final: 'best', finalEpochs: 2, finalWidth: 6, finalOut: null });
    expect(() => parseCliArgs(['--out', 'a', '--final-epochs', '2'])).toThrow(/need --final POINT_ID\|best/);
    expect(() => parseCliArgs(['--out', 'a', '--minutes', '0'])).toThrow(/--minutes: "0" is not a positive number/);
    expect(() => parseCliArgs(['--out', 'a', '--minutes', 'x'])).toThrow(/--minutes: "x" is not a positive number/);
    expect(() => parseCliArgs(['--out', 'a', '--minutes', '5', '--preset', 'tiny'])).toThrow(/cannot be combined with --preset/);
  });

  it('reads a time budget in minutes', () => {
    expect(parseCliArgs(['--out', 'a', '--minutes', '15'])).toMatchObject({ minutes: 15 });
    expect(parseCliArgs(['--out', 'a', '--minutes', '2.5'])).toMatchObject({ minutes: 2.5 });
    expect(parseCliArgs(['--out', 'a'])).toMatchObject({ minutes: null });
  });
});

describe('formatProgress', () => {
  it('fills the bar with finished points plus the running job', () => {
    const line = formatProgress({ points: 1, maxPoints: 2, job: 'j2 seed_train', epoch: 1, epochs: 1, batch: 1, batches: 2, loss: 1.5 });
    expect(line).toBe(`[${'#'.repeat(18)}${'.'.repeat(6)}] 1/2 points | j2 seed_train e1/1 b1/2 loss 1.500`);
  });
});

describe('runSearchCli', () => {
  it('runs a tiny Petridish search on the CPU and writes a valid frontier export and CSV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-search-'));
    writeSyntheticIdx(dir, 90);
    const out = join(dir, 'out', 'run.json');
    const csv = join(dir, 'out', 'run.csv');
    // One worker: the exact sequence of points below is that of jobs run one at a time (test/cli/workers.test.ts
    // covers several at once, where a job ending after the stop rule still adds its point).
    const { backend, frontier } = await runSearchCli(['--dataset', dir, '--backend', 'cpu', '--max-pool-size', '3',
      '--examples-per-class', '20', '--seed', '4', '--out', out, '--csv', csv, '--quiet', '--workers', '1']);
    expect(backend).toMatch(/^cpu/);
    expect(tf.getBackend()).toBe('cpu');
    const parsed = parseFrontierExport(readFileSync(out, 'utf8'));
    expect(parsed).toEqual(frontier);
    expect(parsed.run.strategy).toBe('petridish');
    expect(parsed.run.status).toBe('finished');
    expect(parsed.dataset).toMatchObject({ shape: { height: 8, width: 8, channels: 1 }, numClasses: 3, trainCount: 90 });
    expect(parsed.points.map((p) => p.stage)).toEqual(['seed_trained', 'seed_trained', 'search_trained']);
    const child = parsed.points[2]!;
    expect(parsed.points.map((p) => p.id)).toContain(child.parentId);
    expect(child.choices).not.toBeNull();
    expect(parsed.hull.length).toBeGreaterThan(0);
    // No test files: 10 % of each class (3 of 30) held out of every training and validation set.
    for (const p of parsed.points) expect(p).toMatchObject({ testCount: 9, testSource: 'held-out', testAcc: expect.any(Number) });
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain(',error,test_acc,test_count,');
  });

  it('--final best trains the best point\'s final model after the search and writes its summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-final-'));
    writeSyntheticIdx(dir, 60);
    writeSyntheticIdx(dir, 30, 't10k');
    const out = join(dir, 'run.json');
    const { frontier, final } = await runSearchCli(['--dataset', dir, '--backend', 'cpu', '--max-pool-size', '2',
      '--examples-per-class', '10', '--seed', '4', '--out', out, '--quiet', '--final', 'best', '--final-epochs', '1', '--final-width', '2']);
    const best = [...frontier.points].sort((a, b) => a.error - b.error || a.madd - b.madd)[0];
    expect(final?.point.id).toBe(best?.id);
    const summary = JSON.parse(readFileSync(join(dir, 'run.final.json'), 'utf8'));
    expect(summary).toMatchObject({ pointId: best?.id, proxy: { valError: best?.error }, final: { testCount: 30 },
      spec: { initNodeChannels: 2, recipe: { epochs: 1 }, dropPathProb: 0.2 }, desc: { initNodeChannels: 2 } });
    expect(summary.final.testAcc).toBeGreaterThanOrEqual(0);
    expect(summary.final.history).toHaveLength(1);
    expect(summary.tensorsAfter).toBe(summary.tensorsBefore);
    // The final model is not a pool point.
    expect(frontier.points.map((p) => p.id)).not.toContain(summary.id);
    await expect(runSearchCli(['--dataset', dir, '--backend', 'cpu', '--max-pool-size', '2', '--examples-per-class', '10',
      '--out', out, '--quiet', '--final', 'nope'])).rejects.toThrow(/--final: no pool point "nope"/);
  });

  it('--quiet with no model trained says so on stderr and exits 2 (every job fails: 52 EMNIST letters, 4×4, none to test on)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-empty-'));
    const out = join(dir, 'run.json');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/search.ts', '--dataset', 'test/data/cases/emnist-letters-labels-1-to-26',
      '--backend', 'cpu', '--workers', '1', '--out', out, '--quiet', '--final', 'best'], { encoding: 'utf8', timeout: 300_000 });
    expect(run.status, run.stderr).toBe(2);
    const said = run.stderr.replace(/=+\n.*tfjs-node.*\n=+\n/s, '');
    expect(said).toMatch(/^no model was trained: the search ended \(noJobs: .*\) with an empty pool\.$/m);
    expect(said).toMatch(/^\d+ jobs failed for good:$/m);
    expect(said).toMatch(/^  \S+-j000\d: Error: dataset emnist-letters-labels-1-to-26: no test examples/m);
    expect(said).toContain(`${out} was written with 0 points; exit status 2.`);
    expect(said).toContain('--final best: not trained, the pool has no model to train.');
    // --quiet still keeps the progress bar and the per-job lines out.
    expect(said).not.toMatch(/points \| |seed_train failed/);
    expect(parseFrontierExport(readFileSync(out, 'utf8')).points).toEqual([]);
  });

  it('exits 0 with a model, and --quiet prints the outcome but no per-job line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-quiet-'));
    writeSyntheticIdx(dir, 60);
    const lines: string[] = [];
    const stderr = { isTTY: false, write: (t: string) => lines.push(t) } as unknown as NodeJS.WriteStream;
    const outcome = await runSearchCli(['--dataset', dir, '--backend', 'cpu', '--max-pool-size', '1', '--examples-per-class', '10',
      '--out', join(dir, 'run.json'), '--quiet', '--workers', '1'], stderr);
    expect(exitCodeOf(outcome)).toBe(0);
    expect(outcome.frontier.points).toHaveLength(1);
    expect(lines.join('')).toMatch(/^maxPoolSize: .*; 1 points, 1 on the hull → .*run\.json .*\nbest \(lowest validation error\): /);
    expect(lines.join('')).not.toMatch(/seed_train done|backend: /);
  });

  it('says that the tiny preset is a smoke test whose models do not learn, and says nothing of it for another preset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-tiny-'));
    writeSyntheticIdx(dir, 60);
    const said = async (preset: string) => {
      const lines: string[] = [];
      const stderr = { isTTY: false, write: (t: string) => lines.push(t) } as unknown as NodeJS.WriteStream;
      await runSearchCli(['--dataset', dir, '--backend', 'cpu', '--preset', preset, '--max-pool-size', '1', '--examples-per-class', '10',
        '--out', join(dir, 'run.json'), '--workers', '1'], stderr);
      return lines.join('');
    };
    expect(await said('tiny')).toContain(`${TINY_NOTE}\n`);
    expect(TINY_NOTE).toMatch(/smoke test .* not expected to learn/);
    expect(await said('standard')).not.toContain('smoke test');
  });

  it('refuses a dataset path that does not exist, naming it', async () => {
    await expect(runSearchCli(['--dataset', '/nonexistent/data', '--backend', 'cpu', '--out', '/tmp/x.json', '--quiet']))
      .rejects.toThrow(/--dataset: "\/nonexistent\/data" does not exist/);
  });
});

describe('a time budget (--minutes)', () => {
  it('measures the backend and sizes a budget search that stops before the budget', async () => {
    await tf.setBackend('cpu');
    const dir = mkdtempSync(join(tmpdir(), 'cli-budget-'));
    writeSyntheticIdx(dir, 90);
    const dataset = loadDatasetFromDisk(dir);
    const plan = await planBudget({ dataset, backend: 'cpu', minutes: 5, startedAt: Date.now() });
    expect(plan.preset.name).toBe('budget');
    expect(plan.preset.maxSeconds).toBeLessThanOrEqual(300);
    expect(plan.preset.maxSeconds).toBeGreaterThanOrEqual(150 - 30);
    expect(plan.model.backend).toBe('cpu');
    expect(plan.model.measuredSeconds).toBeLessThanOrEqual(35);
    // 8×8 images are never downsampled; 30 per class is every image.
    expect(plan.preset.inputDownsample).toBe(1);
    expect(plan.preset.examplesPerClass).toBeNull();
    expect(plan.sized.explanation).toMatch(/^8×8 inputs, all images, /);
    await expect(planBudget({ dataset, backend: 'cpu', minutes: 0.1, startedAt: Date.now() - 60_000 })).rejects.toThrow(/only 0 s of the budget are left/);
  });

  it('a search stopped by the budget keeps its finished points and exports them', async () => {
    await tf.setBackend('cpu');
    const dir = mkdtempSync(join(tmpdir(), 'cli-budget-stop-'));
    writeSyntheticIdx(dir, 90);
    const dataset = loadDatasetFromDisk(dir);
    // An injected clock: every reading is 20 s later, so the 60 s budget ends after the first jobs.
    let t = 0;
    const now = (): number => (t += 20_000);
    const preset = makePreset('budget', { inputDownsample: 1, examplesPerClass: null, maxSeconds: 60, initNodeChannels: 4,
      seedTrain: { epochs: 1, maxBatchesPerEpoch: 2 }, search: { epochs: 1, maxBatchesPerEpoch: 2 }, postTrain: { epochs: 1, maxBatchesPerEpoch: 2 } });
    const { state, frontier } = await runHeadlessSearch({ dataset, preset, strategy: 'petridish', now });
    expect(state.finishReason).toMatch(/^maxSeconds: /);
    expect(state.pool.length).toBeGreaterThanOrEqual(1);
    const parsed = parseFrontierExport(JSON.stringify(frontier));
    expect(parsed.points.map((p) => p.id)).toEqual(state.pool.map((p) => p.id));
    expect(parsed.run.preset).toMatchObject({ name: 'budget', maxSeconds: 60 });
  });
});
