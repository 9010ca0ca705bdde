// AvgPoolGrad and MaxPoolGrad for the cpu backend (NHWC, float32), scattering each output's gradient over its
// window with the channel loop innermost. The stock kernels gather per input element through
// TensorBuffer.get. Each input element still receives its contributions in the stock order (increasing
// output row, then column) in double precision, and MaxPoolGrad routes to the first strict maximum in the
// window as the stock kernel does, so the results are identical. AvgPoolGrad scales by 1 / (filter area) at
// every position, padding included, exactly as the stock kernel (whose forward AvgPool divides by the
// in-bounds count instead). Other dtypes go to the stock kernel.

import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import { floatValues, type FastKernel } from '../cpu-kernel.ts';

type Shape4 = [number, number, number, number];

function poolInfo(x: TensorInfo, attrs: Record<string, unknown>): backend_util.Conv2DInfo {
  return backend_util.computePool2DInfo(x.shape as Shape4, attrs.filterSize as [number, number], attrs.strides as [number, number], 1,
    attrs.pad as 'same', attrs.dimRoundingMode as 'floor' | undefined);
}

export const avgPoolGrad: FastKernel = (args, stock) => {
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const dyv = floatValues(args.backend, dy);
  if (!dyv || input.dtype !== 'float32') return stock(args);
  const ci = poolInfo(input, args.attrs);
  const c = ci.inChannels;
  const dx = new Float64Array(ci.batchSize * ci.inHeight * ci.inWidth * c);
  let o = 0;
  for (let b = 0; b < ci.batchSize; b++) {
    for (let yR = 0; yR < ci.outHeight; yR++) {
      const r0 = yR * ci.strideHeight - ci.padInfo.top;
      const rLo = Math.max(0, r0);
      const rHi = Math.min(ci.inHeight, r0 + ci.filterHeight);
      for (let yC = 0; yC < ci.outWidth; yC++, o += c) {
        const c0 = yC * ci.strideWidth - ci.padInfo.left;
        const cLo = Math.max(0, c0);
        const cHi = Math.min(ci.inWidth, c0 + ci.filterWidth);
        for (let r = rLo; r < rHi; r++) {
          for (let col = cLo; col < cHi; col++) {
            const xo = ((b * ci.inHeight + r) * ci.inWidth + col) * c;
            for (let k = 0; k < c; k++) dx[xo + k]! += dyv[o + k]!;
          }
        }
      }
    }
  }
  const scale = 1 / (ci.filterHeight * ci.filterWidth);
  const out = new Float32Array(dx.length);
  for (let i = 0; i < dx.length; i++) out[i] = dx[i]! * scale;
  return args.backend.makeTensorInfo(input.shape, 'float32', out);
};

export const maxPoolGrad: FastKernel = (args, stock) => {
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const dyv = floatValues(args.backend, dy);
  const xv = floatValues(args.backend, input);
  if (!dyv || !xv) return stock(args);
  const ci = poolInfo(input, args.attrs);
  const c = ci.inChannels;
  const dx = new Float64Array(xv.length);
  const best = new Float64Array(c);
  const at = new Int32Array(c);
  let o = 0;
  for (let b = 0; b < ci.batchSize; b++) {
    for (let yR = 0; yR < ci.outHeight; yR++) {
      const r0 = yR * ci.strideHeight - ci.padInfo.top;
      const rLo = Math.max(0, r0);
      const rHi = Math.min(ci.inHeight, r0 + ci.filterHeight);
      for (let yC = 0; yC < ci.outWidth; yC++, o += c) {
        const c0 = yC * ci.strideWidth - ci.padInfo.left;
        const cLo = Math.max(0, c0);
        const cHi = Math.min(ci.inWidth, c0 + ci.filterWidth);
        best.fill(Number.NEGATIVE_INFINITY);
        at.fill(-1);
        for (let r = rLo; r < rHi; r++) {
          for (let col = cLo; col < cHi; col++) {
            const xo = ((b * ci.inHeight + r) * ci.inWidth + col) * c;
            for (let k = 0; k < c; k++) {
              const v = xv[xo + k]!;
              if (v > best[k]!) {
                best[k] = v;
                at[k] = xo + k;
              }
            }
          }
        }
        for (let k = 0; k < c; k++) if (at[k]! >= 0) dx[at[k]!]! += dyv[o + k]!;
      }
    }
  }
  return args.backend.makeTensorInfo(input.shape, 'float32', Float32Array.from(dx));
};
