// The slice of TF.js's WebGPU backend (tfjs-backend-webgpu 4.22) the fused kernels use: a program object as
// backend_webgpu.ts compiles it, and runWebGPUProgram. Declared here rather than imported because importing
// the backend package in Node must wait for node-webgpu.ts to set up Dawn.

import type { TensorInfo } from '@tensorflow/tfjs';

export interface WebgpuProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  /** Adds `uniforms.size` (the output's element count). */
  size?: boolean;
  /** Extra uniform fields, `name : type,` each, filled in this order by the `uniforms` argument of `run`. */
  uniforms?: string;
  getUserCode(): string;
}

export interface WebgpuBackend {
  runWebGPUProgram(program: WebgpuProgram, inputs: TensorInfo[], outputDtype: 'float32',
    programDefinedUniform?: { type: 'int32' | 'float32'; data: number[] }[]): TensorInfo;
  disposeData(dataId: object): boolean;
}

/** Threads per workgroup of every fused program. */
export const WORKGROUP = 64;

/** A program with one thread per output element; `main(index)` gets the flat output index. */
export function elementwise(key: string, inputs: string[], shape: number[], uniforms: string, body: string): WebgpuProgram {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    variableNames: inputs, outputShape: shape, shaderKey: key, dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(size / WORKGROUP), 1, 1], workgroupSize: [WORKGROUP, 1, 1], size: true, uniforms,
    getUserCode: () => `fn main(index : i32) { if (index < uniforms.size) { ${body} } }`,
  };
}

/**
 * A program with one workgroup per output element `w` (workgroupId.x) whose WORKGROUP threads (lane) share
 * the work; `reduceSum(lane, v)` sums v over the workgroup (every thread must call it, in uniform control flow).
 */
export function perWorkgroup(key: string, inputs: string[], shape: number[], groups: number, uniforms: string, body: string): WebgpuProgram {
  return {
    variableNames: inputs, outputShape: shape, shaderKey: key, dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [groups, 1, 1], workgroupSize: [WORKGROUP, 1, 1], uniforms,
    getUserCode: () => `
      var<workgroup> partial : array<f32, ${WORKGROUP}>;
      fn reduceSum(lane : u32, v : f32) -> f32 {
        partial[lane] = v;
        workgroupBarrier();
        for (var s = ${WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
          if (lane < s) { partial[lane] = partial[lane] + partial[lane + s]; }
          workgroupBarrier();
        }
        let total = partial[0];
        workgroupBarrier();
        return total;
      }
      fn main(index : i32) {
        let w = i32(workgroupId.x);
        let lane = localId.x;
        ${body}
      }`,
  };
}
