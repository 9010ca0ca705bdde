// Batch norm's training forward and backward as one cpu kernel each (float64 sums over N·H·W per channel).
// Same semantics as the composite in ops/batch-norm.ts: batch statistics with the biased variance for the
// normalisation and the unbiased one for the moving average (PyTorch).

import type { TensorInfo } from '@tensorflow/tfjs';
import { floatValues, output, type CpuBackend, type KernelArgs } from '../cpu/cpu-kernel.ts';

function values(backend: CpuBackend, t: TensorInfo | undefined, name: string, kernel: string): Float32Array {
  const v = t ? floatValues(backend, t) : null;
  if (!v) throw new Error(`${kernel}: input ${name} is missing or not a float32 tensor`);
  return v;
}

/** Per-channel mean and biased variance of x viewed as [rows, c] (two passes, float64). */
export function channelMoments(x: Float32Array, c: number): { mean: Float64Array; variance: Float64Array; rows: number } {
  const rows = x.length / c;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let i = 0; i < x.length; i += c) for (let k = 0; k < c; k++) mean[k] = (mean[k] as number) + (x[i + k] as number);
  for (let k = 0; k < c; k++) mean[k] = (mean[k] as number) / rows;
  for (let i = 0; i < x.length; i += c) {
    for (let k = 0; k < c; k++) {
      const d = (x[i + k] as number) - (mean[k] as number);
      variance[k] = (variance[k] as number) + d * d;
    }
  }
  for (let k = 0; k < c; k++) variance[k] = (variance[k] as number) / rows;
  return { mean, variance, rows };
}

/** Inputs x [N,H,W,C], scale, offset, movingMean, movingVariance [C] → [y, new moving mean, new moving variance]. */
export function batchNormTrainCpu({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const k = 'PetridishBatchNormTrain';
  const x = values(backend, inputs.x, 'x', k);
  const c = (inputs.x as TensorInfo).shape.at(-1) as number;
  const scale = values(backend, inputs.scale, 'scale', k);
  const offset = values(backend, inputs.offset, 'offset', k);
  const mm = values(backend, inputs.movingMean, 'movingMean', k);
  const mv = values(backend, inputs.movingVariance, 'movingVariance', k);
  const eps = attrs.epsilon as number;
  const momentum = attrs.momentum as number;
  const { mean, variance, rows } = channelMoments(x, c);
  const a = new Float64Array(c);
  const b = new Float64Array(c);
  for (let j = 0; j < c; j++) {
    a[j] = (scale[j] as number) / Math.sqrt((variance[j] as number) + eps);
    b[j] = (offset[j] as number) - (mean[j] as number) * (a[j] as number);
  }
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += c) for (let j = 0; j < c; j++) y[i + j] = (x[i + j] as number) * (a[j] as number) + (b[j] as number);
  const unbias = rows / Math.max(rows - 1, 1);
  const newMean = new Float32Array(c);
  const newVar = new Float32Array(c);
  for (let j = 0; j < c; j++) {
    newMean[j] = (mm[j] as number) * (1 - momentum) + (mean[j] as number) * momentum;
    newVar[j] = (mv[j] as number) * (1 - momentum) + (variance[j] as number) * unbias * momentum;
  }
  return [output(backend, (inputs.x as TensorInfo).shape, y), output(backend, [c], newMean), output(backend, [c], newVar)];
}

/**
 * Inputs dy, x [N,H,W,C], scale [C] → [dx, dscale, doffset]; the batch statistics are recomputed from x.
 * dx = scale·inv/M · (M·dy − Σdy − x̂·Σ(dy·x̂)), x̂ = (x − mean)·inv, inv = 1/√(var + eps), M = N·H·W.
 */
export function batchNormTrainGradCpu({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const k = 'PetridishBatchNormTrainGrad';
  const dy = values(backend, inputs.dy, 'dy', k);
  const x = values(backend, inputs.x, 'x', k);
  const scale = values(backend, inputs.scale, 'scale', k);
  const c = (inputs.x as TensorInfo).shape.at(-1) as number;
  const eps = attrs.epsilon as number;
  const { mean, variance, rows } = channelMoments(x, c);
  const inv = new Float64Array(c);
  for (let j = 0; j < c; j++) inv[j] = 1 / Math.sqrt((variance[j] as number) + eps);
  const sumDy = new Float64Array(c);
  const sumDyXhat = new Float64Array(c);
  for (let i = 0; i < x.length; i += c) {
    for (let j = 0; j < c; j++) {
      const g = dy[i + j] as number;
      sumDy[j] = (sumDy[j] as number) + g;
      sumDyXhat[j] = (sumDyXhat[j] as number) + g * ((x[i + j] as number) - (mean[j] as number)) * (inv[j] as number);
    }
  }
  const dx = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += c) {
    for (let j = 0; j < c; j++) {
      const xhat = ((x[i + j] as number) - (mean[j] as number)) * (inv[j] as number);
      dx[i + j] = ((scale[j] as number) * (inv[j] as number) / rows)
        * (rows * (dy[i + j] as number) - (sumDy[j] as number) - xhat * (sumDyXhat[j] as number));
    }
  }
  return [output(backend, (inputs.x as TensorInfo).shape, dx), output(backend, [c], sumDyXhat), output(backend, [c], sumDy)];
}
