// A device's cost model: how long one training or evaluation step of a network takes on it, as measured by
// the device measurement (src/ml/train/measure-device.ts) on a small reference network. A step costs a per-layer
// overhead (kernel dispatch, which dominates small networks on a GPU) plus a per-multiply-add part
// proportional to MAdd × batch (which dominates on a CPU).

import { countCost } from '../cost/cost.ts';
import type { ModelDesc } from '../space/model-desc.ts';

/** Seconds of one step: `secondsPerLayer` × layers + `secondsPerMadd` × (forward MAdd per example) × batch. */
export interface StepLine {
  secondsPerLayer: number;
  secondsPerMadd: number;
}

export interface DeviceCostModel {
  /** The TF.js backend it was measured on ('webgpu', 'webgl', 'cpu'). */
  backend: string;
  /** A training step (forward, backward, clipping, SGD, batch gathering, loss readback). */
  train: StepLine;
  /** An inference-mode evaluation step. */
  eval: StepLine;
  /** Seconds a job pays once besides its steps (building the network, first-step compilation, reading weights). */
  jobOverheadSeconds: number;
  /** Wall seconds the measurement itself took. */
  measuredSeconds: number;
  /** True when the measurement ran out of time and part of the model was inferred rather than timed. */
  partial: boolean;
  /** The timed steps the lines were fitted to (mean seconds per step). */
  samples: { train: StepSample[]; eval: StepSample[] };
}

/** What a step's cost depends on: the forward MAdd per example and the number of layers (countCost's rows). */
export interface NetworkSize {
  madd: number;
  layers: number;
}

export function networkSize(desc: ModelDesc): NetworkSize {
  const c = countCost(desc);
  return { madd: c.madd, layers: c.layers.length };
}

/** Seconds of one step of `batch` examples through a network of `size` on a device whose line is `line`. */
export function stepSeconds(line: StepLine, size: NetworkSize, batch: number): number {
  return line.secondsPerLayer * size.layers + line.secondsPerMadd * size.madd * batch;
}

/** One timed configuration: mean seconds per step of `batch` examples through a network of `size`. */
export interface StepSample {
  size: NetworkSize;
  batch: number;
  seconds: number;
}

/**
 * Fits a StepLine to two or more samples of one network at different batch sizes (least squares over the
 * smallest and largest batch). Noise can make the slope come out negative or tiny; the slope is kept at
 * least 10 % of the largest batch's mean time per MAdd, so a bigger network never looks free.
 * Throws when the samples do not span two batch sizes.
 */
export function fitStepLine(samples: readonly StepSample[]): StepLine {
  const sorted = [...samples].sort((a, b) => a.batch * a.size.madd - b.batch * b.size.madd);
  const lo = sorted[0];
  const hi = sorted[sorted.length - 1];
  if (!lo || !hi || lo.batch * lo.size.madd === hi.batch * hi.size.madd) {
    throw new Error('fitStepLine: need samples at two different MAdd × batch products');
  }
  const work = (s: StepSample): number => s.size.madd * s.batch;
  const raw = (hi.seconds - lo.seconds) / (work(hi) - work(lo));
  const secondsPerMadd = Math.max(raw, (0.1 * hi.seconds) / work(hi));
  const overhead = Math.max(0, lo.seconds - secondsPerMadd * work(lo));
  return { secondsPerMadd, secondsPerLayer: overhead / Math.max(1, lo.size.layers) };
}

/**
 * A line from a single sample, when the measurement had no time for a second batch size: half the time is
 * taken as per-layer overhead and half as proportional to MAdd × batch (a middle between a GPU and a CPU).
 */
export function singleSampleLine(s: StepSample): StepLine {
  return { secondsPerLayer: s.seconds / 2 / Math.max(1, s.size.layers), secondsPerMadd: s.seconds / 2 / Math.max(1, s.size.madd * s.batch) };
}

/** Plain-text summary, e.g. "cpu: a training step of 1M MAdd × 32 takes 0.41 s". */
export function describeCostModel(m: DeviceCostModel, size: NetworkSize = { madd: 1e6, layers: 100 }, batch = 32): string {
  const t = stepSeconds(m.train, size, batch);
  return `${m.backend}: a training step of a ${(size.madd / 1e6).toFixed(1)}M-MAdd, ${size.layers}-layer network on ${batch} examples takes ${t < 1 ? `${(t * 1000).toFixed(0)} ms` : `${t.toFixed(2)} s`}`;
}
