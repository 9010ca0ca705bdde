// Float32 Sum and Mean over any axes for the cpu backend. The stock kernels transpose the reduced axes
// innermost first (one indexToLoc per element); here the input is read once in memory order, each element
// added into its output's float64 accumulator. Each output still adds its elements in the same order as
// the stock kernel (increasing index over the reduced axes, in double precision, Mean dividing each element
// first as the stock kernel does), so the results are identical. Other dtypes go to the stock kernel.

import { backend_util, util, type TensorInfo } from '@tensorflow/tfjs';
import { floatValues, type FastKernel } from '../cpu-kernel.ts';
import { collapse } from './strided.ts';

function reduceKernel(mean: boolean): FastKernel {
  return (args, stock) => {
    const { x } = args.inputs as { x: TensorInfo };
    const xv = floatValues(args.backend, x);
    if (!xv) return stock(args);
    const axes = util.parseAxisParam(args.attrs.axis as number | number[], x.shape);
    const [outShape, reduceShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
    const reduceSize = util.sizeFromShape(reduceShape);
    const kept = x.shape.map((n, d) => (axes.includes(d) ? 1 : n));
    const acc = new Float64Array(util.sizeFromShape(outShape));
    if (xv.length > 0) {
      const { sizes, strides } = collapse(x.shape, [x.shape, kept]);
      accumulate(xv, acc, sizes, strides[1]!, mean ? reduceSize : 0);
    }
    const shape = args.attrs.keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
    return args.backend.makeTensorInfo(shape, 'float32', Float32Array.from(acc));
  };
}

/** acc[out(i)] += x[i] (or fround(x[i] / divisor) for a mean) in memory order over the collapsed shape. */
function accumulate(x: Float32Array, acc: Float64Array, sizes: number[], outSt: number[], divisor: number): void {
  const rank = sizes.length;
  if (rank === 0) {
    acc[0] = divisor ? Math.fround(x[0]! / divisor) : x[0]!;
    return;
  }
  const inner = sizes[rank - 1]!;
  const so = outSt[rank - 1]!;
  const outer = x.length / inner;
  const idx = new Array<number>(rank - 1).fill(0);
  let io = 0;
  for (let row = 0, ix = 0; row < outer; row++, ix += inner) {
    if (so === 0) {
      // The innermost run reduces into one output: continue its running sum in a local.
      let s = acc[io]!;
      if (divisor) for (let k = 0; k < inner; k++) s += Math.fround(x[ix + k]! / divisor);
      else for (let k = 0; k < inner; k++) s += x[ix + k]!;
      acc[io] = s;
    } else if (divisor) {
      for (let k = 0; k < inner; k++) acc[io + k]! += Math.fround(x[ix + k]! / divisor);
    } else {
      for (let k = 0; k < inner; k++) acc[io + k]! += x[ix + k]!;
    }
    for (let d = rank - 2; d >= 0; d--) {
      io += outSt[d]!;
      if (++idx[d]! < sizes[d]!) break;
      io -= outSt[d]! * sizes[d]!;
      idx[d] = 0;
    }
  }
}

export const sum = reduceKernel(false);
export const mean = reduceKernel(true);
