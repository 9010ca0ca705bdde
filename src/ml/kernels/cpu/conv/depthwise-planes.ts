// Depthwise convolution with channel multiplier 1 on channel-major planes: x and dy are transposed from
// NHWC to [C, N·H·W] once, so that each (channel, tap) pair runs contiguous loops along image rows with a
// scalar weight and float64 sums. The NHWC loops of depthwise.ts have only C (8–48) elements per inner loop.

import type { ConvInfo } from '../cpu-kernel.ts';
import { transposed } from './gemm.ts';

/** For each tap t: the outputs o with o·stride − pad + t·dilation inside [0, inSize), as [lo, hi). */
function validOutputs(outSize: number, inSize: number, stride: number, pad: number, filter: number, dilation: number): Int32Array {
  const r = new Int32Array(2 * filter);
  for (let t = 0; t < filter; t++) {
    const off = t * dilation - pad;
    const lo = Math.max(0, Math.ceil(-off / stride));
    const hi = Math.min(outSize, Math.ceil((inSize - off) / stride));
    r[2 * t] = lo;
    r[2 * t + 1] = Math.max(lo, hi);
  }
  return r;
}

interface Geometry {
  rows: Int32Array;
  cols: Int32Array;
  inPlane: number;
  outPlane: number;
}

function geometry(ci: ConvInfo): Geometry {
  return {
    rows: validOutputs(ci.outHeight, ci.inHeight, ci.strideHeight, ci.padInfo.top, ci.filterHeight, ci.dilationHeight),
    cols: validOutputs(ci.outWidth, ci.inWidth, ci.strideWidth, ci.padInfo.left, ci.filterWidth, ci.dilationWidth),
    inPlane: ci.batchSize * ci.inHeight * ci.inWidth,
    outPlane: ci.batchSize * ci.outHeight * ci.outWidth,
  };
}

/**
 * Calls `run(xRowOff, yRowOff, lo, hi, xColOff, tap)` for every channel-independent (image, output row, tap)
 * with the tap's valid output columns [lo, hi): input column = yC·strideWidth + xColOff.
 */
function forRows(ci: ConvInfo, g: Geometry, run: (xRow: number, yRow: number, lo: number, hi: number, xColOff: number, tap: number) => void): void {
  for (let b = 0; b < ci.batchSize; b++) {
    for (let wR = 0; wR < ci.filterHeight; wR++) {
      for (let yR = g.rows[2 * wR]!; yR < g.rows[2 * wR + 1]!; yR++) {
        const xR = yR * ci.strideHeight - ci.padInfo.top + wR * ci.dilationHeight;
        const xRow = (b * ci.inHeight + xR) * ci.inWidth;
        const yRow = (b * ci.outHeight + yR) * ci.outWidth;
        for (let wC = 0; wC < ci.filterWidth; wC++) {
          run(xRow, yRow, g.cols[2 * wC]!, g.cols[2 * wC + 1]!, wC * ci.dilationWidth - ci.padInfo.left, wR * ci.filterWidth + wC);
        }
      }
    }
  }
}

/** y [N·outH·outW, C] of x [N·H·W, C] and filter [taps, C]. */
export function depthwiseForward(ci: ConvInfo, xv: Float32Array, wv: Float32Array): Float32Array {
  const c = ci.inChannels;
  const g = geometry(ci);
  const xT = transposed(xv, 0, g.inPlane, c);
  const yT = new Float32Array(g.outPlane * c);
  const acc = new Float64Array(g.outPlane);
  const sw = ci.strideWidth;
  for (let k = 0; k < c; k++) {
    acc.fill(0);
    const xBase = k * g.inPlane;
    forRows(ci, g, (xRow, yRow, lo, hi, off, tap) => {
      const w = wv[tap * c + k]!;
      const xo = xBase + xRow + off;
      for (let yC = lo; yC < hi; yC++) acc[yRow + yC]! += w * xT[xo + yC * sw]!;
    });
    for (let i = 0; i < g.outPlane; i++) yT[k * g.outPlane + i] = acc[i]!;
  }
  return transposed(yT, 0, c, g.outPlane);
}

/** dx [N·H·W, C] of dy [N·outH·outW, C] and filter [taps, C]. */
export function depthwiseBackpropInput(ci: ConvInfo, dyv: Float32Array, wv: Float32Array): Float32Array {
  const c = ci.inChannels;
  const g = geometry(ci);
  const dyT = transposed(dyv, 0, g.outPlane, c);
  const dxT = new Float32Array(g.inPlane * c);
  const acc = new Float64Array(g.inPlane);
  const sw = ci.strideWidth;
  for (let k = 0; k < c; k++) {
    acc.fill(0);
    const yBase = k * g.outPlane;
    forRows(ci, g, (xRow, yRow, lo, hi, off, tap) => {
      const w = wv[tap * c + k]!;
      const xo = xRow + off;
      const yo = yBase + yRow;
      for (let yC = lo; yC < hi; yC++) acc[xo + yC * sw]! += w * dyT[yo + yC]!;
    });
    for (let i = 0; i < g.inPlane; i++) dxT[k * g.inPlane + i] = acc[i]!;
  }
  return transposed(dxT, 0, c, g.inPlane);
}

/** dw [taps, C] of x [N·H·W, C] and dy [N·outH·outW, C]. */
export function depthwiseBackpropFilter(ci: ConvInfo, xv: Float32Array, dyv: Float32Array): Float64Array {
  const c = ci.inChannels;
  const g = geometry(ci);
  const xT = transposed(xv, 0, g.inPlane, c);
  const dyT = transposed(dyv, 0, g.outPlane, c);
  const dw = new Float64Array(ci.filterHeight * ci.filterWidth * c);
  const sw = ci.strideWidth;
  for (let k = 0; k < c; k++) {
    const xBase = k * g.inPlane;
    const yBase = k * g.outPlane;
    forRows(ci, g, (xRow, yRow, lo, hi, off, tap) => {
      const xo = xBase + xRow + off;
      const yo = yBase + yRow;
      let s = dw[tap * c + k]!;
      for (let yC = lo; yC < hi; yC++) s += xT[xo + yC * sw]! * dyT[yo + yC]!;
      dw[tap * c + k] = s;
    });
  }
  return dw;
}
