// The time estimate against the real run (Node): measure the device as the page does (≤ 30 s), estimate a
// preset's search on MNIST, run that search with the headless runner, and print estimate, real time and
// their ratio (the target: within a factor of two).
// Usage: npx tsx bench/search/estimate.ts [--backend cpu] [--preset tiny] [--pool 4]

import { estimateSearch } from '../../src/core/budget/estimate.ts';
import { makePreset } from '../../src/core/presets.ts';
import type { PresetName } from '../../src/core/training/training-config.ts';
import { loadDatasetFromDisk } from '../../src/cli/load-dataset.ts';
import { runHeadlessSearch } from '../../src/cli/headless-search.ts';
import { summarizeDataset } from '../../src/data/dataset.ts';
import { measureDevice } from '../../src/ml/train/measure-device.ts';
import { flag, numFlag, saveResult, useBackend } from '../lib.ts';

async function main(): Promise<void> {
  const backend = await useBackend(flag('backend', 'cpu'));
  const name = flag('preset', 'tiny') as PresetName;
  const preset = makePreset(name, { maxPoolSize: numFlag('pool', 4) });
  const dataset = loadDatasetFromDisk('mnist');
  const summary = summarizeDataset(dataset);
  const model = await measureDevice({ shape: summary.shape, numClasses: summary.numClasses, space: preset.space, backend });
  const estimate = estimateSearch(preset, summary, model, 1);
  console.log(`${backend}: measured in ${model.measuredSeconds.toFixed(1)} s${model.partial ? ' (partly inferred)' : ''}; ${name} with ${preset.maxPoolSize} points estimated at ${estimate.seconds.toFixed(0)} s`);
  const t0 = Date.now();
  const r = await runHeadlessSearch({ dataset, preset, strategy: 'petridish' });
  const seconds = (Date.now() - t0) / 1000;
  const ratio = seconds / estimate.seconds;
  console.log(`real ${seconds.toFixed(0)} s for ${r.state.pool.length} points; real / estimate = ${ratio.toFixed(2)}`);
  saveResult(`estimate-${backend}-${name}`, { backend, preset: name, maxPoolSize: preset.maxPoolSize, model, estimate, seconds, ratio, points: r.state.pool.length });
}

void main();
