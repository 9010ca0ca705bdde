// Float32 data-movement kernels for the cpu backend: Transpose, PadV2, Tile, and SpaceToBatchND /
// BatchToSpaceND composed from them exactly as the stock kernels compose theirs (pad → reshape → transpose,
// reshape → transpose → slice). The stock versions compute every element's index through indexToLoc with
// array allocations; these walk the output in memory order with running offsets. Copies are exact. Other
// dtypes go to the stock kernels.

import { backend_util, util, type TensorInfo } from '@tensorflow/tfjs';
import { floatValues, type FastKernel } from '../cpu-kernel.ts';
import { copyBox } from './slice.ts';

/** x (shape `shape`) with its axes permuted: out axis d is x axis perm[d]. */
export function transposeValues(xv: Float32Array, shape: number[], perm: number[]): Float32Array {
  const rank = shape.length;
  const out = new Float32Array(xv.length);
  if (xv.length === 0) return out;
  if (rank === 0) {
    out[0] = xv[0]!;
    return out;
  }
  const xStrides = [...util.computeStrides(shape), 1];
  const size = perm.map((p) => shape[p]!);
  const step = perm.map((p) => xStrides[p]!);
  const inner = size[rank - 1]!;
  const si = step[rank - 1]!;
  const idx = new Array<number>(rank).fill(0);
  let ix = 0;
  for (let o = 0; o < out.length; o += inner) {
    for (let k = 0; k < inner; k++) out[o + k] = xv[ix + k * si]!;
    for (let d = rank - 2; d >= 0; d--) {
      ix += step[d]!;
      if (++idx[d]! < size[d]!) break;
      ix -= step[d]! * size[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/** x placed at offsets `before` inside an output of `outShape` filled with `value`. */
export function padValues(xv: Float32Array, shape: number[], before: number[], outShape: number[], value: number): Float32Array {
  const out = new Float32Array(util.sizeFromShape(outShape));
  if (value !== 0) out.fill(value);
  const rank = shape.length;
  if (xv.length === 0) return out;
  if (rank === 0) {
    out[0] = xv[0]!;
    return out;
  }
  const oStrides = [...util.computeStrides(outShape), 1];
  const inner = shape[rank - 1]!;
  const idx = new Array<number>(rank).fill(0);
  let io = before.reduce((s, b, d) => s + b * oStrides[d]!, 0);
  for (let ix = 0; ix < xv.length; ix += inner) {
    for (let k = 0; k < inner; k++) out[io + k] = xv[ix + k]!;
    for (let d = rank - 2; d >= 0; d--) {
      io += oStrides[d]!;
      if (++idx[d]! < shape[d]!) break;
      io -= oStrides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

export const transpose: FastKernel = (args, stock) => {
  const { x } = args.inputs as { x: TensorInfo };
  const xv = floatValues(args.backend, x);
  if (!xv) return stock(args);
  const perm = args.attrs.perm as number[];
  return args.backend.makeTensorInfo(perm.map((p) => x.shape[p]!), 'float32', transposeValues(xv, x.shape, perm));
};

export const padV2: FastKernel = (args, stock) => {
  const { x } = args.inputs as { x: TensorInfo };
  const xv = floatValues(args.backend, x);
  if (!xv) return stock(args);
  const paddings = args.attrs.paddings as [number, number][];
  const outShape = paddings.map((p, i) => p[0] + x.shape[i]! + p[1]);
  const out = padValues(xv, x.shape, paddings.map((p) => p[0]), outShape, args.attrs.constantValue as number);
  return args.backend.makeTensorInfo(outShape, 'float32', out);
};

export const tile: FastKernel = (args, stock) => {
  const { x } = args.inputs as { x: TensorInfo };
  const xv = floatValues(args.backend, x);
  if (!xv) return stock(args);
  const reps = args.attrs.reps as number[];
  const rank = x.shape.length;
  const outShape = x.shape.map((n, i) => n * reps[i]!);
  const out = new Float32Array(util.sizeFromShape(outShape));
  if (out.length > 0 && rank === 0) out[0] = xv[0]!;
  if (out.length > 0 && rank > 0) {
    const xStrides = [...util.computeStrides(x.shape), 1];
    const inner = outShape[rank - 1]!;
    const xInner = x.shape[rank - 1]!;
    const idx = new Array<number>(rank).fill(0);
    let base = 0;
    for (let o = 0; o < out.length; o += inner) {
      for (let k = 0, j = 0; k < inner; k++) {
        out[o + k] = xv[base + j]!;
        if (++j === xInner) j = 0;
      }
      // Odometer over the outer output axes; x's offset follows the index modulo x's size on each.
      for (let d = rank - 2; d >= 0; d--) {
        idx[d]!++;
        if (idx[d]! % x.shape[d]! === 0) base -= (x.shape[d]! - 1) * xStrides[d]!;
        else base += xStrides[d]!;
        if (idx[d]! < outShape[d]!) break;
        idx[d] = 0;
      }
    }
  }
  return args.backend.makeTensorInfo(outShape, 'float32', out);
};

export const spaceToBatchND: FastKernel = (args, stock) => {
  const { x } = args.inputs as { x: TensorInfo };
  const xv = floatValues(args.backend, x);
  if (!xv) return stock(args);
  const blockShape = args.attrs.blockShape as number[];
  const paddings = args.attrs.paddings as [number, number][];
  const prod = util.sizeFromShape(blockShape);
  const complete: [number, number][] = [[0, 0], ...paddings];
  for (let i = 1 + blockShape.length; i < x.shape.length; i++) complete.push([0, 0]);
  const paddedShape = complete.map((p, i) => p[0] + x.shape[i]! + p[1]);
  const padded = padValues(xv, x.shape, complete.map((p) => p[0]), paddedShape, 0);
  const reshaped = backend_util.getReshaped(paddedShape, blockShape, prod, false);
  const perm = backend_util.getPermuted(reshaped.length, blockShape.length, false);
  const flat = backend_util.getReshapedPermuted(paddedShape, blockShape, prod, false);
  return args.backend.makeTensorInfo(flat, 'float32', transposeValues(padded, reshaped, perm));
};

export const batchToSpaceND: FastKernel = (args, stock) => {
  const { x } = args.inputs as { x: TensorInfo };
  const xv = floatValues(args.backend, x);
  if (!xv) return stock(args);
  const blockShape = args.attrs.blockShape as number[];
  const crops = args.attrs.crops as number[][];
  const prod = blockShape.reduce((a, b) => a * b);
  const reshaped = backend_util.getReshaped(x.shape, blockShape, prod);
  const perm = backend_util.getPermuted(reshaped.length, blockShape.length);
  const uncropped = backend_util.getReshapedPermuted(x.shape, blockShape, prod);
  const begin = backend_util.getSliceBeginCoords(crops, blockShape.length);
  const size = backend_util.getSliceSize(uncropped, crops, blockShape.length);
  // The stock kernel slices with `size` over the leading axes only; the remaining axes are taken whole.
  const fullBegin = [...begin, ...new Array<number>(uncropped.length - begin.length).fill(0)];
  const fullSize = [...size, ...uncropped.slice(size.length)];
  return copyBox(args.backend, transposeValues(xv, reshaped, perm), uncropped, fullBegin, fullSize);
};
