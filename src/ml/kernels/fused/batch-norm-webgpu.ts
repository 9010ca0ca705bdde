// Batch norm's training forward and backward on TF.js's WebGPU backend: one registered kernel each, four
// compute dispatches each (per-channel statistics by workgroup reduction, then one elementwise pass).
// Same formulas as batch-norm-cpu.ts (float32 sums here).

import type { TensorInfo } from '@tensorflow/tfjs';
import { elementwise, perWorkgroup, WORKGROUP, type WebgpuBackend } from './webgpu-program.ts';

interface Args {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs: Record<string, unknown>;
}

function input(inputs: Record<string, TensorInfo>, name: string, kernel: string): TensorInfo {
  const t = inputs[name];
  if (!t || t.dtype !== 'float32') throw new Error(`${kernel}: input ${name} is missing or not a float32 tensor`);
  return t;
}

/** [2, C]: the batch mean (row 0) and biased variance (row 1) of X viewed as [rows, C]; one workgroup per channel. */
function moments(backend: WebgpuBackend, x: TensorInfo): TensorInfo {
  const c = x.shape.at(-1) as number;
  const rows = x.shape.reduce((a, b) => a * b, 1) / c;
  const program = perWorkgroup('petridishBnMoments', ['X'], [2, c], c, 'rows : i32, channels : i32,', `
    var s = 0.0;
    for (var r = i32(lane); r < uniforms.rows; r = r + ${WORKGROUP}) { s = s + X[r * uniforms.channels + w]; }
    let mean = reduceSum(lane, s) / f32(uniforms.rows);
    var q = 0.0;
    for (var r = i32(lane); r < uniforms.rows; r = r + ${WORKGROUP}) {
      let d = X[r * uniforms.channels + w] - mean;
      q = q + d * d;
    }
    let variance = reduceSum(lane, q) / f32(uniforms.rows);
    if (lane == 0u) { result[w] = mean; result[uniforms.channels + w] = variance; }`);
  return backend.runWebGPUProgram(program, [x], 'float32', [{ type: 'int32', data: [rows] }, { type: 'int32', data: [c] }]);
}

/** Inputs x [N,H,W,C], scale, offset, movingMean, movingVariance [C] → [y, new moving mean, new moving variance]. */
export function batchNormTrainWebgpu({ inputs, backend, attrs }: Args): TensorInfo[] {
  const k = 'PetridishBatchNormTrain';
  const b = backend as WebgpuBackend;
  const x = input(inputs, 'x', k);
  const c = x.shape.at(-1) as number;
  const rows = x.shape.reduce((p, q) => p * q, 1) / c;
  const eps = attrs.epsilon as number;
  const momentum = attrs.momentum as number;
  const stats = moments(b, x);
  const y = b.runWebGPUProgram(elementwise('petridishBnNormalize', ['X', 'Stats', 'Scale', 'Offset'], x.shape, 'channels : i32, eps : f32,', `
    let c = index % uniforms.channels;
    let inv = inverseSqrt(Stats[uniforms.channels + c] + uniforms.eps);
    result[index] = (X[index] - Stats[c]) * inv * Scale[c] + Offset[c];`),
  [x, stats, input(inputs, 'scale', k), input(inputs, 'offset', k)], 'float32', [{ type: 'int32', data: [c] }, { type: 'float32', data: [eps] }]);
  // Moving averages: row `part` of the statistics, the variance made unbiased (factor M/(M−1)).
  const moving = (name: string, part: number, factor: number): TensorInfo => b.runWebGPUProgram(
    elementwise('petridishBnMoving', ['Moving', 'Stats'], [c], 'channels : i32, part : i32, momentum : f32, factor : f32,', `
      result[index] = Moving[index] * (1.0 - uniforms.momentum) + Stats[uniforms.part * uniforms.channels + index] * uniforms.factor * uniforms.momentum;`),
    [input(inputs, name, k), stats], 'float32',
    [{ type: 'int32', data: [c] }, { type: 'int32', data: [part] }, { type: 'float32', data: [momentum] }, { type: 'float32', data: [factor] }]);
  const newMean = moving('movingMean', 0, 1);
  const newVar = moving('movingVariance', 1, rows / Math.max(rows - 1, 1));
  b.disposeData(stats.dataId);
  return [y, newMean, newVar];
}

/** Inputs dy, x [N,H,W,C], scale [C] → [dx, dscale, doffset], the batch statistics recomputed from x. */
export function batchNormTrainGradWebgpu({ inputs, backend, attrs }: Args): TensorInfo[] {
  const k = 'PetridishBatchNormTrainGrad';
  const b = backend as WebgpuBackend;
  const dy = input(inputs, 'dy', k);
  const x = input(inputs, 'x', k);
  const c = x.shape.at(-1) as number;
  const rows = x.shape.reduce((p, q) => p * q, 1) / c;
  const eps = attrs.epsilon as number;
  const stats = moments(b, x);
  // part 0: Σ dy (doffset); part 1: Σ dy·x̂ (dscale).
  const sums = (part: number): TensorInfo => b.runWebGPUProgram(
    perWorkgroup('petridishBnGradSums', ['DY', 'X', 'Stats'], [c], c, 'rows : i32, channels : i32, part : i32, eps : f32,', `
      let mean = Stats[w];
      let inv = inverseSqrt(Stats[uniforms.channels + w] + uniforms.eps);
      var s = 0.0;
      for (var r = i32(lane); r < uniforms.rows; r = r + ${WORKGROUP}) {
        let i = r * uniforms.channels + w;
        if (uniforms.part == 0) { s = s + DY[i]; } else { s = s + DY[i] * (X[i] - mean) * inv; }
      }
      let total = reduceSum(lane, s);
      if (lane == 0u) { result[w] = total; }`),
    [dy, x, stats], 'float32',
    [{ type: 'int32', data: [rows] }, { type: 'int32', data: [c] }, { type: 'int32', data: [part] }, { type: 'float32', data: [eps] }]);
  const doffset = sums(0);
  const dscale = sums(1);
  const dx = b.runWebGPUProgram(elementwise('petridishBnGradInput', ['DY', 'X', 'Stats', 'Scale', 'SumDy', 'SumDyXhat'], x.shape,
    'channels : i32, rows : f32, eps : f32,', `
    let c = index % uniforms.channels;
    let inv = inverseSqrt(Stats[uniforms.channels + c] + uniforms.eps);
    let xhat = (X[index] - Stats[c]) * inv;
    result[index] = Scale[c] * inv / uniforms.rows * (uniforms.rows * DY[index] - SumDy[c] - xhat * SumDyXhat[c]);`),
  [dy, x, stats, input(inputs, 'scale', k), doffset, dscale], 'float32',
  [{ type: 'int32', data: [c] }, { type: 'float32', data: [rows] }, { type: 'float32', data: [eps] }]);
  b.disposeData(stats.dataId);
  return [dx, dscale, doffset];
}
