// Conv2D and its two gradients for the cpu backend, NHWC, float32, as im2col + blocked matrix products
// (gemm.ts) over chunks of output pixels, float64 sums. A 1×1 stride-1 convolution (most of a cell's) needs
// no im2col: its input already is the column matrix. The stock kernels read every element through
// TensorBuffer.get (filter gradient) or accumulate straight into the output.
// NCHW and non-float32 inputs go to the stock kernel.

import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import { floatValues, output, tapRanges, type ConvInfo, type FastKernel } from '../cpu-kernel.ts';
import { gemmNT, transposed } from './gemm.ts';

type Shape4 = [number, number, number, number];

function convInfoOf(xShape: number[], filterShape: number[], attrs: Record<string, unknown>, dilations: unknown): ConvInfo | null {
  if (backend_util.convertConv2DDataFormat(attrs.dataFormat as 'NHWC' | 'NCHW') !== 'channelsLast') return null;
  return backend_util.computeConv2DInfo(xShape as Shape4, filterShape as Shape4, attrs.strides as [number, number],
    (dilations ?? 1) as [number, number], attrs.pad as 'same', attrs.dimRoundingMode as 'floor' | undefined, false, 'channelsLast');
}

/**
 * Calls `visit(p, xPixel, tap)` for every output pixel p (NHWC flat index over N·outH·outW), every filter tap
 * (row-major over kh × kw) whose input pixel xPixel (flat over N·inH·inW) is inside the image.
 */
export function forEachTap(ci: ConvInfo, visit: (p: number, xPixel: number, tap: number) => void): void {
  const rows = tapRanges(ci.outHeight, ci.inHeight, ci.strideHeight, ci.padInfo.top, ci.filterHeight, ci.dilationHeight);
  const cols = tapRanges(ci.outWidth, ci.inWidth, ci.strideWidth, ci.padInfo.left, ci.filterWidth, ci.dilationWidth);
  let p = 0;
  for (let b = 0; b < ci.batchSize; b++) {
    for (let yR = 0; yR < ci.outHeight; yR++) {
      const rowCorner = yR * ci.strideHeight - ci.padInfo.top;
      for (let yC = 0; yC < ci.outWidth; yC++, p++) {
        const colCorner = yC * ci.strideWidth - ci.padInfo.left;
        for (let wR = rows[2 * yR]!; wR < rows[2 * yR + 1]!; wR++) {
          const xRow = (b * ci.inHeight + rowCorner + wR * ci.dilationHeight) * ci.inWidth;
          for (let wC = cols[2 * yC]!; wC < cols[2 * yC + 1]!; wC++) {
            visit(p, xRow + colCorner + wC * ci.dilationWidth, wR * ci.filterWidth + wC);
          }
        }
      }
    }
  }
}

/** Column-matrix geometry of a convolution: K = kh·kw·in columns, output pixels in chunks of `chunk`. */
interface Im2col {
  ci: ConvInfo;
  k: number;
  pixels: number;
  chunk: number;
  /** A 1×1, stride-1, unpadded convolution: the input is its own column matrix. */
  identity: boolean;
  rows: Int32Array;
  cols: Int32Array;
}

/** Column chunks are kept to about 4 MB. */
const CHUNK_FLOATS = 1 << 20;

function im2colPlan(ci: ConvInfo): Im2col {
  const k = ci.filterHeight * ci.filterWidth * ci.inChannels;
  const pixels = ci.batchSize * ci.outHeight * ci.outWidth;
  const identity = ci.filterHeight === 1 && ci.filterWidth === 1 && ci.strideHeight === 1 && ci.strideWidth === 1
    && ci.padInfo.top === 0 && ci.padInfo.left === 0 && ci.outHeight === ci.inHeight && ci.outWidth === ci.inWidth;
  return {
    ci, k, pixels, identity, chunk: Math.max(2, Math.floor(CHUNK_FLOATS / k)),
    rows: tapRanges(ci.outHeight, ci.inHeight, ci.strideHeight, ci.padInfo.top, ci.filterHeight, ci.dilationHeight),
    cols: tapRanges(ci.outWidth, ci.inWidth, ci.strideWidth, ci.padInfo.left, ci.filterWidth, ci.dilationWidth),
  };
}

/**
 * Visits, for output pixels p0 … p0 + count − 1, every valid tap: `visit(q, xOff, colOff)` with q the pixel's
 * row in the chunk, xOff the input pixel's first channel and colOff the tap's first column (tap · in).
 */
function forChunkTaps(plan: Im2col, p0: number, count: number, visit: (q: number, xOff: number, colOff: number) => void): void {
  const { ci, rows, cols } = plan;
  const outHW = ci.outHeight * ci.outWidth;
  for (let q = 0; q < count; q++) {
    const p = p0 + q;
    const b = Math.floor(p / outHW);
    const rem = p - b * outHW;
    const yR = Math.floor(rem / ci.outWidth);
    const yC = rem - yR * ci.outWidth;
    const rowCorner = yR * ci.strideHeight - ci.padInfo.top;
    const colCorner = yC * ci.strideWidth - ci.padInfo.left;
    for (let wR = rows[2 * yR]!; wR < rows[2 * yR + 1]!; wR++) {
      const xRow = (b * ci.inHeight + rowCorner + wR * ci.dilationHeight) * ci.inWidth;
      for (let wC = cols[2 * yC]!; wC < cols[2 * yC + 1]!; wC++) {
        visit(q, (xRow + colCorner + wC * ci.dilationWidth) * ci.inChannels, (wR * ci.filterWidth + wC) * ci.inChannels);
      }
    }
  }
}

/** The column matrix [count, K] of output pixels p0 … p0 + count − 1 (zeros for padding taps). */
function im2col(plan: Im2col, xv: Float32Array, p0: number, count: number, buf: Float32Array): Float32Array {
  const { k } = plan;
  const cIn = plan.ci.inChannels;
  buf.fill(0, 0, count * k);
  forChunkTaps(plan, p0, count, (q, xOff, colOff) => {
    const dst = q * k + colOff;
    for (let i = 0; i < cIn; i++) buf[dst + i] = xv[xOff + i]!;
  });
  return buf;
}

/** y[p, o] = Σ_c cols[p, c] · w[c, o] with w the filter as a [K, out] matrix. */
export const conv2d: FastKernel = (args, stock) => {
  const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
  const xv = floatValues(args.backend, x);
  const wv = floatValues(args.backend, filter);
  const ci = convInfoOf(x.shape, filter.shape, args.attrs, args.attrs.dilations);
  if (!xv || !wv || !ci) return stock(args);
  const plan = im2colPlan(ci);
  const cOut = ci.outChannels;
  const wT = transposed(wv, 0, plan.k, cOut);
  const y = new Float32Array(plan.pixels * cOut);
  const acc = new Float64Array(Math.min(plan.chunk, plan.pixels) * cOut);
  const buf = plan.identity ? xv : new Float32Array(Math.min(plan.chunk, plan.pixels) * plan.k);
  for (let p0 = 0; p0 < plan.pixels; p0 += plan.chunk) {
    const count = Math.min(plan.chunk, plan.pixels - p0);
    acc.fill(0);
    if (plan.identity) gemmNT(xv, p0 * plan.k, count, plan.k, wT, cOut, acc);
    else gemmNT(im2col(plan, xv, p0, count, buf), 0, count, plan.k, wT, cOut, acc);
    for (let i = 0; i < count * cOut; i++) y[p0 * cOut + i] = acc[i]!;
  }
  return output(args.backend, ci.outShape, y);
};

/** dcols[p, c] = Σ_o dy[p, o] · w[c, o], scattered back onto the input pixels (col2im). */
export const conv2dBackpropInput: FastKernel = (args, stock) => {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const dyv = floatValues(args.backend, dy);
  const wv = floatValues(args.backend, filter);
  const ci = convInfoOf(args.attrs.inputShape as number[], filter.shape, args.attrs, 1);
  if (!dyv || !wv || !ci) return stock(args);
  const plan = im2colPlan(ci);
  const cIn = ci.inChannels;
  const cOut = ci.outChannels;
  const dx = new Float64Array(ci.batchSize * ci.inHeight * ci.inWidth * cIn);
  if (plan.identity) {
    gemmNT(dyv, 0, plan.pixels, cOut, wv, plan.k, dx);
    return output(args.backend, ci.inShape, dx);
  }
  const dcols = new Float64Array(Math.min(plan.chunk, plan.pixels) * plan.k);
  for (let p0 = 0; p0 < plan.pixels; p0 += plan.chunk) {
    const count = Math.min(plan.chunk, plan.pixels - p0);
    dcols.fill(0);
    gemmNT(dyv, p0 * cOut, count, cOut, wv, plan.k, dcols);
    forChunkTaps(plan, p0, count, (q, xOff, colOff) => {
      const src = q * plan.k + colOff;
      for (let i = 0; i < cIn; i++) dx[xOff + i]! += dcols[src + i]!;
    });
  }
  return output(args.backend, ci.inShape, dx);
};

/** dw[c, o] = Σ_p cols[p, c] · dy[p, o], as colsᵀ · dy over chunks of output pixels. */
export const conv2dBackpropFilter: FastKernel = (args, stock) => {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const xv = floatValues(args.backend, x);
  const dyv = floatValues(args.backend, dy);
  const filterShape = args.attrs.filterShape as number[];
  const ci = convInfoOf(x.shape, filterShape, args.attrs, 1);
  if (!xv || !dyv || !ci) return stock(args);
  const plan = im2colPlan(ci);
  const cOut = ci.outChannels;
  const dw = new Float64Array(plan.k * cOut);
  const buf = plan.identity ? xv : new Float32Array(Math.min(plan.chunk, plan.pixels) * plan.k);
  for (let p0 = 0; p0 < plan.pixels; p0 += plan.chunk) {
    const count = Math.min(plan.chunk, plan.pixels - p0);
    const colsT = plan.identity ? transposed(xv, p0 * plan.k, count, plan.k) : transposed(im2col(plan, xv, p0, count, buf), 0, count, plan.k);
    gemmNT(colsT, 0, plan.k, count, transposed(dyv, p0 * cOut, count, cOut), cOut, dw);
  }
  return output(args.backend, filterShape, dw);
};
