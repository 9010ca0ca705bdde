// What the fast cpu kernels share: the cpu backend's data access, the stock-kernel fallback type, and the
// output-window geometry of a 2-D convolution in NHWC.

import { backend_util, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';

/** The part of TF.js's MathBackendCPU the kernels use: typed values by data id, and new outputs. */
export interface CpuBackend {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  disposeIntermediateTensorInfo(t: TensorInfo): void;
}

export interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: CpuBackend;
  attrs: NamedAttrMap;
}

/** A fast kernel gets the stock kernel to hand over to for what it does not implement. */
export type FastKernel = (args: KernelArgs, stock: KernelFunc) => TensorInfo | TensorInfo[];

/** The float32 values of `t`, or null when `t` is not a float32 tensor held as a Float32Array. */
export function floatValues(backend: CpuBackend, t: TensorInfo): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : null;
}

/** A float64 accumulator copied into a new float32 output tensor of `shape`. */
export function output(backend: CpuBackend, shape: number[], acc: Float64Array | Float32Array): TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', acc instanceof Float32Array ? acc : Float32Array.from(acc));
}

export type ConvInfo = backend_util.Conv2DInfo;

/**
 * For each output row (or column) o: the first and last+1 filter tap t whose input position
 * o·stride − pad + t·dilation lies inside [0, inSize). Taps outside are the zero padding.
 */
export function tapRanges(outSize: number, inSize: number, stride: number, pad: number, filter: number, dilation: number): Int32Array {
  const r = new Int32Array(2 * outSize);
  for (let o = 0; o < outSize; o++) {
    const corner = o * stride - pad;
    let lo = 0;
    while (lo < filter && corner + lo * dilation < 0) lo++;
    let hi = filter;
    while (hi > lo && corner + (hi - 1) * dilation >= inSize) hi--;
    r[2 * o] = lo;
    r[2 * o + 1] = hi;
  }
  return r;
}
