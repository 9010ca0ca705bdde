// DepthwiseConv2dNative and its two gradients for the cpu backend (NHWC, float32, any channel multiplier m):
// multiplier 1 (every depthwise conv of the search space) on channel-major planes (depthwise-planes.ts),
// others as direct loops over output pixels and valid filter taps with the channel loop innermost, float64
// accumulators. The stock filter gradient reads every element through TensorBuffer.get, which made it the
// slowest kernel of a training step. The gradients with a dilation above 1 go to the stock kernels, whose
// own semantics there (they ignore the dilation in their loops) are not ours to redefine.

import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import { floatValues, output, type ConvInfo, type FastKernel } from '../cpu-kernel.ts';
import { forEachTap } from './conv2d.ts';
import { depthwiseBackpropFilter, depthwiseBackpropInput, depthwiseForward } from './depthwise-planes.ts';

type Shape4 = [number, number, number, number];

function depthwiseInfo(xShape: number[], filterShape: number[], attrs: Record<string, unknown>): ConvInfo {
  return backend_util.computeConv2DInfo(xShape as Shape4, filterShape as Shape4, attrs.strides as [number, number],
    (attrs.dilations ?? 1) as [number, number], attrs.pad as 'same', attrs.dimRoundingMode as 'floor' | undefined, true);
}

const dilated = (ci: ConvInfo): boolean => ci.dilationHeight !== 1 || ci.dilationWidth !== 1;
const channelsLast = (attrs: Record<string, unknown>): boolean => attrs.dataFormat === undefined || attrs.dataFormat === 'NHWC';

/** y[p, c·m + q] = Σ_tap x[pixel(p, tap), c] · w[tap, c, q]. */
export const depthwiseConv2d: FastKernel = (args, stock) => {
  const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
  const xv = floatValues(args.backend, x);
  const wv = floatValues(args.backend, filter);
  const dil = (args.attrs.dilations ?? 1) as number | [number, number];
  // The stock kernel rejects strides and dilations both above 1 with its own error: let it say so.
  if (!xv || !wv || !channelsLast(args.attrs)
    || !backend_util.eitherStridesOrDilationsAreOne(args.attrs.strides as [number, number], dil)) return stock(args);
  const ci = depthwiseInfo(x.shape, filter.shape, args.attrs);
  const c = ci.inChannels;
  const cOut = ci.outChannels;
  const m = cOut / c;
  if (m === 1) return output(args.backend, ci.outShape, depthwiseForward(ci, xv, wv));
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
    const xOff = xPixel * c;
    const wOff = tap * cOut;
    if (m === 1) {
      for (let k = 0; k < c; k++) acc[k]! += xv[xOff + k]! * wv[wOff + k]!;
      return;
    }
    for (let k = 0; k < c; k++) {
      const a = xv[xOff + k]!;
      for (let q = 0; q < m; q++) acc[k * m + q]! += a * wv[wOff + k * m + q]!;
    }
  });
  flush();
  return output(args.backend, ci.outShape, y);
};

/** dx[pixel(p, tap), c] += Σ_q dy[p, c·m + q] · w[tap, c, q]. */
export const depthwiseConv2dBackpropInput: FastKernel = (args, stock) => {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const dyv = floatValues(args.backend, dy);
  const wv = floatValues(args.backend, filter);
  if (!dyv || !wv || !channelsLast(args.attrs)) return stock(args);
  const ci = depthwiseInfo(args.attrs.inputShape as number[], filter.shape, args.attrs);
  if (dilated(ci)) return stock(args);
  const c = ci.inChannels;
  const cOut = ci.outChannels;
  const m = cOut / c;
  if (m === 1) return output(args.backend, ci.inShape, depthwiseBackpropInput(ci, dyv, wv));
  const dx = new Float64Array(ci.batchSize * ci.inHeight * ci.inWidth * c);
  forEachTap(ci, (p, xPixel, tap) => {
    const dyOff = p * cOut;
    const xOff = xPixel * c;
    const wOff = tap * cOut;
    if (m === 1) {
      for (let k = 0; k < c; k++) dx[xOff + k]! += dyv[dyOff + k]! * wv[wOff + k]!;
      return;
    }
    for (let k = 0; k < c; k++) {
      let s = 0;
      for (let q = 0; q < m; q++) s += dyv[dyOff + k * m + q]! * wv[wOff + k * m + q]!;
      dx[xOff + k]! += s;
    }
  });
  return output(args.backend, ci.inShape, dx);
};

/** dw[tap, c, q] = Σ_p x[pixel(p, tap), c] · dy[p, c·m + q]. */
export const depthwiseConv2dBackpropFilter: FastKernel = (args, stock) => {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const xv = floatValues(args.backend, x);
  const dyv = floatValues(args.backend, dy);
  if (!xv || !dyv || !channelsLast(args.attrs)) return stock(args);
  const filterShape = args.attrs.filterShape as number[];
  const ci = depthwiseInfo(x.shape, filterShape, args.attrs);
  if (dilated(ci)) return stock(args);
  const c = ci.inChannels;
  const cOut = ci.outChannels;
  const m = cOut / c;
  if (m === 1) return output(args.backend, filterShape, depthwiseBackpropFilter(ci, xv, dyv));
  const dw = new Float64Array(ci.filterHeight * ci.filterWidth * cOut);
  forEachTap(ci, (p, xPixel, tap) => {
    const dyOff = p * cOut;
    const xOff = xPixel * c;
    const wOff = tap * cOut;
    if (m === 1) {
      for (let k = 0; k < c; k++) dw[wOff + k]! += xv[xOff + k]! * dyv[dyOff + k]!;
      return;
    }
    for (let k = 0; k < c; k++) {
      const a = xv[xOff + k]!;
      for (let q = 0; q < m; q++) dw[wOff + k * m + q]! += a * dyv[dyOff + k * m + q]!;
    }
  });
  return output(args.backend, filterShape, dw);
};
