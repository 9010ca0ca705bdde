// Float32 Slice and SplitV for the cpu backend: a strided copy with the innermost run copied in a plain
// loop. The stock Slice reads non-contiguous slices (a channel range of an NHWC tensor, what a cell's concat
// gradient splits) one TensorBuffer.get at a time. Copies are exact. Other dtypes go to the stock kernel.

import { backend_util, slice_util, util, type TensorInfo } from '@tensorflow/tfjs';
import { floatValues, type CpuBackend, type FastKernel } from '../cpu-kernel.ts';

/** The [begin, begin + size) box of x (shape `shape`) as a new float32 tensor. */
export function copyBox(backend: CpuBackend, xv: Float32Array, shape: number[], begin: number[], size: number[]): TensorInfo {
  const out = new Float32Array(util.sizeFromShape(size));
  const rank = shape.length;
  if (out.length > 0 && rank > 0) {
    const strides = util.computeStrides(shape);
    const inner = size[rank - 1]!;
    const idx = new Array<number>(rank - 1).fill(0);
    let ix = 0;
    for (let d = 0; d < rank; d++) ix += begin[d]! * (strides[d] ?? 1);
    for (let o = 0; o < out.length; o += inner) {
      for (let k = 0; k < inner; k++) out[o + k] = xv[ix + k]!;
      for (let d = rank - 2; d >= 0; d--) {
        ix += strides[d]!;
        if (++idx[d]! < size[d]!) break;
        ix -= strides[d]! * size[d]!;
        idx[d] = 0;
      }
    }
  } else if (out.length > 0) {
    out[0] = xv[0]!;
  }
  return backend.makeTensorInfo(size, 'float32', out);
}

export const slice: FastKernel = (args, stock) => {
  const { x } = args.inputs as { x: TensorInfo };
  const xv = floatValues(args.backend, x);
  if (!xv) return stock(args);
  const [begin, size] = slice_util.parseSliceParams(x as never, args.attrs.begin as number[], args.attrs.size as number[]) as [number[], number[]];
  slice_util.assertParamsValid(x as never, begin, size);
  return copyBox(args.backend, xv, x.shape, begin, size);
};

export const splitV: FastKernel = (args, stock) => {
  const { x } = args.inputs as { x: TensorInfo };
  const xv = floatValues(args.backend, x);
  if (!xv) return stock(args);
  const axis = util.parseAxisParam(args.attrs.axis as number, x.shape)[0]!;
  const sizes = backend_util.prepareSplitSize(x as never, args.attrs.numOrSizeSplits as number[], axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const part = copyBox(args.backend, xv, x.shape, begin, size);
    begin[axis]! += s;
    return part;
  });
};
