// The whole optimiser step over every parameter as one kernel: global-norm clipping, weight decay, momentum
// and the update, PyTorch's clip_grad_norm_ then SGD.step (src/ml/train/sgd.ts has the same formulas as a
// composite): g ← g·min(1, clip/(‖g‖+1e-6)); d = g + wd·w; buf = m·buf + d (buf = d on the first step);
// w −= lr·buf. Inputs g0…, w0…, b0… (no b when attrs.hasBuffers is false); outputs w'0…, b'0….

import type { TensorInfo } from '@tensorflow/tfjs';
import { floatValues, output, type KernelArgs } from '../cpu/cpu-kernel.ts';
import { elementwise, perWorkgroup, WORKGROUP, type WebgpuBackend } from './webgpu-program.ts';

export interface SgdStepAttrs {
  count: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  /** 0 or Infinity: no clipping. */
  gradClip: number;
  hasBuffers: boolean;
}

const KERNEL = 'PetridishSgdStep';

function attrsOf(attrs: Record<string, unknown>): SgdStepAttrs {
  const a = attrs as unknown as SgdStepAttrs;
  if (!(Number.isInteger(a.count) && a.count > 0)) throw new Error(`${KERNEL}: attrs.count must be a positive integer, got ${a.count}`);
  return a;
}

function inputAt(inputs: Record<string, TensorInfo>, name: string): TensorInfo {
  const t = inputs[name];
  if (!t || t.dtype !== 'float32') throw new Error(`${KERNEL}: input ${name} is missing or not a float32 tensor`);
  return t;
}

const clips = (gradClip: number): boolean => gradClip > 0 && Number.isFinite(gradClip);

export function sgdStepCpu({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const a = attrsOf(attrs);
  const read = (name: string): Float32Array => {
    const v = floatValues(backend, inputAt(inputs, name));
    if (!v) throw new Error(`${KERNEL}: input ${name} is not held as a Float32Array`);
    return v;
  };
  const gs = Array.from({ length: a.count }, (_, i) => read(`g${i}`));
  let coef = 1;
  if (clips(a.gradClip)) {
    let sq = 0;
    for (const g of gs) for (let j = 0; j < g.length; j++) sq += (g[j] as number) * (g[j] as number);
    coef = Math.min(1, a.gradClip / (Math.sqrt(sq) + 1e-6));
  }
  const ws: TensorInfo[] = [];
  const bs: TensorInfo[] = [];
  gs.forEach((g, i) => {
    const w = read(`w${i}`);
    const b = a.hasBuffers ? read(`b${i}`) : null;
    const nb = new Float32Array(g.length);
    const nw = new Float32Array(g.length);
    for (let j = 0; j < g.length; j++) {
      const d = (g[j] as number) * coef + a.weightDecay * (w[j] as number);
      nb[j] = b ? a.momentum * (b[j] as number) + d : d;
      nw[j] = (w[j] as number) - a.lr * (nb[j] as number);
    }
    const shape = inputAt(inputs, `w${i}`).shape;
    ws.push(output(backend, shape, nw));
    bs.push(output(backend, shape, nb));
  });
  return [...ws, ...bs];
}

/**
 * WebGPU: a shader binds at most 8 storage buffers, so the step runs per parameter — a chain of sums of
 * squares for the global norm (one dispatch each), then the new momentum buffer and the new weight (two
 * dispatches each): 3 dispatches per parameter, in one registered kernel.
 */
export function sgdStepWebgpu({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }): TensorInfo[] {
  const a = attrsOf(attrs);
  const b = backend as WebgpuBackend;
  let norm: TensorInfo | null = null;
  if (clips(a.gradClip)) {
    for (let i = 0; i < a.count; i++) {
      const g = inputAt(inputs, `g${i}`);
      const size = g.shape.reduce((p, q) => p * q, 1);
      const withPrev = norm !== null;
      const program = perWorkgroup(withPrev ? 'petridishSgdSumSqAcc' : 'petridishSgdSumSq', withPrev ? ['G', 'Prev'] : ['G'], [1], 1, 'n : i32,', `
        var s = 0.0;
        for (var j = i32(lane); j < uniforms.n; j = j + ${WORKGROUP}) { s = s + G[j] * G[j]; }
        let total = reduceSum(lane, s);
        if (lane == 0u) { result[0] = total${withPrev ? ' + Prev[0]' : ''}; }`);
      const next: TensorInfo = b.runWebGPUProgram(program, norm ? [g, norm] : [g], 'float32', [{ type: 'int32', data: [size] }]);
      if (norm) b.disposeData(norm.dataId);
      norm = next;
    }
  }
  const ws: TensorInfo[] = [];
  const bs: TensorInfo[] = [];
  for (let i = 0; i < a.count; i++) {
    const g = inputAt(inputs, `g${i}`);
    const w = inputAt(inputs, `w${i}`);
    const names = ['G', 'W', ...(a.hasBuffers ? ['B'] : []), ...(norm ? ['SumSq'] : [])];
    const ins = [g, w, ...(a.hasBuffers ? [inputAt(inputs, `b${i}`)] : []), ...(norm ? [norm] : [])];
    const coef = norm ? 'min(1.0, uniforms.clip / (sqrt(SumSq[0]) + 1e-6))' : '1.0';
    const nb = b.runWebGPUProgram(elementwise(`petridishSgdBuffer_${a.hasBuffers}_${norm !== null}`, names, w.shape,
      'momentum : f32, weightDecay : f32, clip : f32,', `
      let d = G[index] * ${coef} + uniforms.weightDecay * W[index];
      result[index] = ${a.hasBuffers ? 'uniforms.momentum * B[index] + d' : 'd'};`),
    ins, 'float32', [{ type: 'float32', data: [a.momentum] }, { type: 'float32', data: [a.weightDecay] }, { type: 'float32', data: [a.gradClip] }]);
    const nw = b.runWebGPUProgram(elementwise('petridishSgdWeight', ['W', 'NB'], w.shape, 'lr : f32,', `
      result[index] = W[index] - uniforms.lr * NB[index];`), [w, nb], 'float32', [{ type: 'float32', data: [a.lr] }]);
    ws.push(nw);
    bs.push(nb);
  }
  if (norm) b.disposeData(norm.dataId);
  return [...ws, ...bs];
}
