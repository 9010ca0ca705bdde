// The cost model's price of one training step and one evaluation step against the real step, on the seed
// networks of every preset at their batch sizes: how far the device measurement's model (two reference
// networks, src/ml/train/measure-device.ts) is off for networks of other widths and sizes, training and
// evaluation apart. `--clock cpu` times the measurement and the steps by this process's CPU time instead of
// wall time: the TF.js cpu backend runs on one thread, so CPU time is the step's time on an unloaded core,
// and the figures hold on a machine whose cores other work shares.
// Training steps are timed by the throughput bench's oursStepSpeed (the difference of a 1-step and an
// (n+1)-step phase after a warm-up phase, by wall and by CPU time); evaluation steps after one warm-up call.
// Usage: npx tsx bench/search/step-prices.ts [--presets tiny,standard,paper] [--seeds 3] [--steps 3] [--clock wall|cpu] [--backend cpu] [--dataset mnist]

import { networkSize, stepSeconds, type StepLine } from '../../src/core/budget/cost-model.ts';
import { makePreset } from '../../src/core/presets.ts';
import type { PresetName } from '../../src/core/training/training-config.ts';
import { seedDescs } from '../../src/core/space/seeds.ts';
import { loadDatasetFromDisk } from '../../src/cli/load-dataset.ts';
import { summarizeDataset } from '../../src/data/dataset.ts';
import { buildNetwork } from '../../src/ml/model/network.ts';
import { evaluate } from '../../src/ml/train/evaluate.ts';
import { measureDevice } from '../../src/ml/train/measure-device.ts';
import { oursStepSpeed, syntheticPhase } from '../throughput/step-timers.ts';
import { flag, numFlag, saveResult, useBackend, machine } from '../lib.ts';
import { loadavg } from 'node:os';

const cpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

async function main(): Promise<void> {
  const backend = await useBackend(flag('backend', 'cpu'));
  const clock = flag('clock', 'wall');
  const now = clock === 'cpu' ? cpuMs : () => performance.now();
  const steps = numFlag('steps', 3);
  const summary = summarizeDataset(loadDatasetFromDisk(flag('dataset', 'mnist')));
  const load0 = loadavg()[0] ?? 0;
  const model = await measureDevice({ shape: summary.shape, numClasses: summary.numClasses, space: 'canonical', backend, now });
  const ns = (x: number): string => (x * 1e9).toFixed(2);
  const line = (l: StepLine): string => `${(l.secondsPerLayer * 1e3).toFixed(3)} ms/layer + ${l.rates.length >= 2 ? l.rates.map((r) => `${ns(r.secondsPerMadd)} ns/MAdd at ${r.activationsPerMadd.toFixed(3)} activations/MAdd`).join(' to ') : `${ns(l.secondsPerMadd)} ns/MAdd`}`;
  console.log(`${backend} (${clock} clock, load average ${load0.toFixed(1)}): measured in ${model.measuredSeconds.toFixed(1)} s${model.partial ? ' (partly inferred)' : ''}; training ${line(model.train)}; evaluation ${line(model.eval)}`);
  const rows = [];
  for (const name of flag('presets', 'tiny,standard,paper').split(',') as PresetName[]) {
    const preset = makePreset(name, {});
    const batch = preset.seedTrain.batchSize;
    for (const { macro, desc } of seedDescs(preset, summary.shape, summary.numClasses).slice(0, numFlag('seeds', 3))) {
      const size = networkSize(desc);
      const speed = await oursStepSpeed(desc, batch, steps);
      const train = batch / (clock === 'cpu' ? speed.cpuImgPerSec : speed.wallImgPerSec);
      const data = syntheticPhase(desc, batch + 8);
      const net = buildNetwork(desc, { seed: 1 });
      try {
        const idx = data.trainIdx.subarray(0, batch);
        await evaluate(net, data, idx, batch);
        const e0 = now();
        for (let i = 0; i < steps; i++) await evaluate(net, data, idx, batch);
        const evalStep = (now() - e0) / 1000 / steps;
        const row = { preset: name, macro, ...size, batch, train, trainPrice: stepSeconds(model.train, size, batch), eval: evalStep, evalPrice: stepSeconds(model.eval, size, batch) };
        rows.push(row);
        console.log(`${name} seed ${macro.reductions}r ${macro.cells}c ${macro.nodes}n (${(size.madd / 1e6).toFixed(2)} M MAdd, ${(size.activations / 1e3).toFixed(0)} K activations, ${size.layers} layers), batch ${batch}: training step ${train.toFixed(3)} s against ${row.trainPrice.toFixed(3)} s (real / price ${(train / row.trainPrice).toFixed(2)}); evaluation step ${evalStep.toFixed(3)} s against ${row.evalPrice.toFixed(3)} s (${(evalStep / row.evalPrice).toFixed(2)})`);
      } finally {
        net.dispose();
      }
    }
  }
  const ratios = rows.flatMap((r) => [r.train / r.trainPrice, r.eval / r.evalPrice]);
  console.log(`real / price over ${rows.length} networks, training and evaluation: ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} (load average ${(loadavg()[0] ?? 0).toFixed(1)} at the end)`);
  saveResult(`step-prices-${backend}-${clock}`, { machine: machine(), backend, clock, model, rows, load0, load1: loadavg()[0] });
}

void main();
