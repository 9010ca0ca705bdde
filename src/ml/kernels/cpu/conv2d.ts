// Conv2D and its two gradients for the cpu backend, NHWC, float32, as direct loops over output pixels with
// the channel loops innermost (contiguous in NHWC and in the [kh, kw, in, out] filter) and float64
// accumulators. The stock kernels read every element through TensorBuffer.get (filter gradient) or
// accumulate straight into the output; these compute the same sums in a cache-friendly order.
// NCHW and non-float32 inputs go to the stock kernel.

import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import { floatValues, output, tapRanges, type ConvInfo, type FastKernel } from './cpu-kernel.ts';

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

/** y[p, o] = Σ_tap Σ_i x[pixel(p, tap), i] · w[tap, i, o]. */
export const conv2d: FastKernel = (args, stock) => {
  const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
  const xv = floatValues(args.backend, x);
  const wv = floatValues(args.backend, filter);
  const ci = convInfoOf(x.shape, filter.shape, args.attrs, args.attrs.dilations);
  if (!xv || !wv || !ci) return stock(args);
  const cIn = ci.inChannels;
  const cOut = ci.outChannels;
  const y = new Float32Array(ci.batchSize * ci.outHeight * ci.outWidth * cOut);
  const acc = new Float64Array(cOut);
  let current = -1;
  const flush = (): void => {
    if (current < 0) return;
    y.set(acc, current * cOut);
    acc.fill(0);
  };
  forEachTap(ci, (p, xPixel, tap) => {
    if (p !== current) {
      flush();
      current = p;
    }
    const xOff = xPixel * cIn;
    const wBase = tap * cIn * cOut;
    for (let i = 0; i < cIn; i++) {
      const a = xv[xOff + i]!;
      const wOff = wBase + i * cOut;
      for (let o = 0; o < cOut; o++) acc[o]! += a * wv[wOff + o]!;
    }
  });
  flush();
  return output(args.backend, ci.outShape, y);
};

/** dx[pixel(p, tap), i] += Σ_o dy[p, o] · w[tap, i, o]. */
export const conv2dBackpropInput: FastKernel = (args, stock) => {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const dyv = floatValues(args.backend, dy);
  const wv = floatValues(args.backend, filter);
  const ci = convInfoOf(args.attrs.inputShape as number[], filter.shape, args.attrs, 1);
  if (!dyv || !wv || !ci) return stock(args);
  const cIn = ci.inChannels;
  const cOut = ci.outChannels;
  const dx = new Float64Array(ci.batchSize * ci.inHeight * ci.inWidth * cIn);
  forEachTap(ci, (p, xPixel, tap) => {
    const dyOff = p * cOut;
    const xOff = xPixel * cIn;
    const wBase = tap * cIn * cOut;
    for (let i = 0; i < cIn; i++) {
      const wOff = wBase + i * cOut;
      let s = 0;
      for (let o = 0; o < cOut; o++) s += dyv[dyOff + o]! * wv[wOff + o]!;
      dx[xOff + i]! += s;
    }
  });
  return output(args.backend, ci.inShape, dx);
};

/** dw[tap, i, o] = Σ_p x[pixel(p, tap), i] · dy[p, o]. */
export const conv2dBackpropFilter: FastKernel = (args, stock) => {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const xv = floatValues(args.backend, x);
  const dyv = floatValues(args.backend, dy);
  const filterShape = args.attrs.filterShape as number[];
  const ci = convInfoOf(x.shape, filterShape, args.attrs, 1);
  if (!xv || !dyv || !ci) return stock(args);
  const cIn = ci.inChannels;
  const cOut = ci.outChannels;
  const dw = new Float64Array(ci.filterHeight * ci.filterWidth * cIn * cOut);
  forEachTap(ci, (p, xPixel, tap) => {
    const dyOff = p * cOut;
    const xOff = xPixel * cIn;
    const wBase = tap * cIn * cOut;
    for (let i = 0; i < cIn; i++) {
      const a = xv[xOff + i]!;
      const wOff = wBase + i * cOut;
      for (let o = 0; o < cOut; o++) dw[wOff + o]! += a * dyv[dyOff + o]!;
    }
  });
  return output(args.backend, filterShape, dw);
};
