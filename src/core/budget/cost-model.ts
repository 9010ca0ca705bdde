// A device's cost model: how long one training or evaluation step of a network takes on it, as measured by
// the device measurement (src/ml/train/measure-device.ts) on two small reference networks of different width.
// A step costs a per-layer overhead (kernel dispatch, which dominates small networks on a GPU) plus a part
// proportional to the multiply-adds (MAdd) × batch (which dominates on a CPU). The seconds per MAdd are not
// the same for every network: a narrow one spends more of its time on elementwise work and memory traffic
// (batch norm, ReLU, sums, concatenation, their gradients), which grows with the activation elements its
// layers write rather than with its MAdd. So the model keeps the seconds per MAdd of each reference with its
// activations per MAdd and prices a network at the rate interpolated at its own activations per MAdd.

import { countCost } from '../cost/cost.ts';
import type { ModelDesc } from '../space/model-desc.ts';

/** The seconds per MAdd·example measured on a network with `activationsPerMadd` activation elements per MAdd. */
export interface MaddRate {
  activationsPerMadd: number;
  secondsPerMadd: number;
}

/**
 * Seconds of one step: `secondsPerLayer` × layers + rate × (forward MAdd per example) × batch, where the rate
 * is `secondsPerMadd` or, with two or more `rates`, the one interpolated at the network's activations per MAdd.
 */
export interface StepLine {
  secondsPerLayer: number;
  /** Seconds per MAdd·example when `rates` has fewer than two points (one network was timed). */
  secondsPerMadd: number;
  /** The rates of the networks timed, by ascending activations per MAdd; see maddRate. */
  rates: MaddRate[];
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

/**
 * What a step's cost depends on, per example: the forward MAdd, the number of layers (countCost's rows) and
 * the activation elements all layers write (the sum of countCost's `outputs`).
 */
export interface NetworkSize {
  madd: number;
  layers: number;
  activations: number;
}

export function networkSize(desc: ModelDesc): NetworkSize {
  const c = countCost(desc);
  return { madd: c.madd, layers: c.layers.length, activations: c.layers.reduce((a, l) => a + l.outputs, 0) };
}

/**
 * Seconds per MAdd·example of a network of `size` on `line`: linear in activations per MAdd between the two
 * nearest timed networks (cost = a·MAdd + b·activations makes the rate linear in it), and the nearer end's
 * rate outside them. It never extrapolates: a little noise in two nearby points would swing a line drawn
 * through them far beyond them.
 */
export function maddRate(line: StepLine, size: NetworkSize): number {
  const pts = line.rates;
  const first = pts[0];
  const last = pts[pts.length - 1];
  if (!first || !last || pts.length < 2) return line.secondsPerMadd;
  const u = size.activations / Math.max(1, size.madd);
  if (u <= first.activationsPerMadd) return first.secondsPerMadd;
  if (u >= last.activationsPerMadd) return last.secondsPerMadd;
  for (let i = 1; i < pts.length; i++) {
    const lo = pts[i - 1] as MaddRate;
    const hi = pts[i] as MaddRate;
    if (u <= hi.activationsPerMadd) {
      const t = (u - lo.activationsPerMadd) / Math.max(1e-12, hi.activationsPerMadd - lo.activationsPerMadd);
      return lo.secondsPerMadd + t * (hi.secondsPerMadd - lo.secondsPerMadd);
    }
  }
  return last.secondsPerMadd;
}

/** Seconds of one step of `batch` examples through a network of `size` on a device whose line is `line`. */
export function stepSeconds(line: StepLine, size: NetworkSize, batch: number): number {
  return line.secondsPerLayer * size.layers + maddRate(line, size) * size.madd * batch;
}

/** One timed configuration: mean seconds per step of `batch` examples through a network of `size`. */
export interface StepSample {
  size: NetworkSize;
  batch: number;
  seconds: number;
}

/** One network's timed steps reduced to a line in the batch: seconds = intercept + slope × batch. */
interface NetworkLine {
  size: NetworkSize;
  /** Seconds per extra example. */
  slope: number;
  /** Seconds of a step at batch 0 (the per-step overhead), at least 0. */
  intercept: number;
  /** The largest batch timed and its seconds (for the slope's floor). */
  hi: StepSample;
}

const sameSize = (a: NetworkSize, b: NetworkSize): boolean => a.madd === b.madd && a.layers === b.layers && a.activations === b.activations;

/**
 * Each network's samples at its smallest and largest batch as a line. Noise can make a slope come out
 * negative or tiny; it is kept at least 10 % of the largest batch's mean time per example, so a bigger batch
 * never looks free. Networks timed at one batch size only are left out.
 */
function networkLines(samples: readonly StepSample[]): NetworkLine[] {
  const groups: StepSample[][] = [];
  for (const s of samples) {
    const g = groups.find((x) => x[0] !== undefined && sameSize(x[0].size, s.size));
    if (g) g.push(s);
    else groups.push([s]);
  }
  const lines: NetworkLine[] = [];
  for (const g of groups) {
    const sorted = [...g].sort((a, b) => a.batch - b.batch);
    const lo = sorted[0];
    const hi = sorted[sorted.length - 1];
    if (!lo || !hi || lo.batch === hi.batch) continue;
    const slope = Math.max((hi.seconds - lo.seconds) / (hi.batch - lo.batch), (0.1 * hi.seconds) / hi.batch);
    lines.push({ size: lo.size, slope, intercept: Math.max(0, lo.seconds - slope * lo.batch), hi });
  }
  return lines;
}

/**
 * Fits a StepLine to timed steps of one or more networks, each at two or more batch sizes. Each network
 * gives its per-example slope (its rate per MAdd, kept with its activations per MAdd) and its per-step
 * intercept; the per-layer overhead is the networks' mean intercept per layer. With one network the line is
 * that network's rate for all. Throws when no network was timed at two batch sizes.
 */
export function fitStepLine(samples: readonly StepSample[]): StepLine {
  const lines = networkLines(samples);
  const [first] = lines;
  if (!first) throw new Error('fitStepLine: need samples of one network at two different batch sizes');
  const secondsPerLayer = lines.reduce((a, l) => a + l.intercept / Math.max(1, l.size.layers), 0) / lines.length;
  const rates = lines
    .map((l) => ({ activationsPerMadd: l.size.activations / Math.max(1, l.size.madd), secondsPerMadd: l.slope / Math.max(1, l.size.madd) }))
    .sort((x, y) => x.activationsPerMadd - y.activationsPerMadd);
  return { secondsPerLayer, secondsPerMadd: first.slope / Math.max(1, first.size.madd), rates: rates.length >= 2 ? rates : [] };
}

/**
 * A line from a single sample, when the measurement had no time for a second batch size: half the time is
 * taken as per-layer overhead and half as proportional to MAdd × batch (a middle between a GPU and a CPU).
 */
export function singleSampleLine(s: StepSample): StepLine {
  return { secondsPerLayer: s.seconds / 2 / Math.max(1, s.size.layers), secondsPerMadd: s.seconds / 2 / Math.max(1, s.size.madd * s.batch), rates: [] };
}

/** Plain-text summary, e.g. "cpu: a training step of 1M MAdd × 32 takes 0.41 s". */
export function describeCostModel(m: DeviceCostModel, size: NetworkSize = { madd: 1e6, layers: 100, activations: 1e5 }, batch = 32): string {
  const t = stepSeconds(m.train, size, batch);
  return `${m.backend}: a training step of a ${(size.madd / 1e6).toFixed(1)}M-MAdd, ${size.layers}-layer network on ${batch} examples takes ${t < 1 ? `${(t * 1000).toFixed(0)} ms` : `${t.toFixed(2)} s`}`;
}
