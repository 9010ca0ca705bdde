// Registers the fast cpu kernels in place of TF.js's stock ones (same kernel names and attributes), and
// restores the stock ones. Each fast kernel hands what it does not implement to the stock kernel it replaced.

import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import type { FastKernel, KernelArgs } from './cpu-kernel.ts';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv/conv2d.ts';
import { depthwiseConv2d, depthwiseConv2dBackpropFilter, depthwiseConv2dBackpropInput } from './conv/depthwise.ts';
import { fusedConv2d, fusedDepthwiseConv2d } from './conv/fused.ts';
import { add, multiply, realDiv, sub } from './elementwise/binary.ts';
import { avgPoolGrad, maxPoolGrad } from './pooling/pool-grad.ts';
import { batchToSpaceND, padV2, spaceToBatchND, tile, transpose } from './movement/layout.ts';
import { mean, sum } from './elementwise/reduce.ts';
import { slice, splitV } from './movement/slice.ts';

/** The kernels replaced, by TF.js kernel name. */
export const FAST_CPU_KERNELS: Readonly<Record<string, FastKernel>> = {
  Conv2D: conv2d,
  Conv2DBackpropInput: conv2dBackpropInput,
  Conv2DBackpropFilter: conv2dBackpropFilter,
  DepthwiseConv2dNative: depthwiseConv2d,
  DepthwiseConv2dNativeBackpropInput: depthwiseConv2dBackpropInput,
  DepthwiseConv2dNativeBackpropFilter: depthwiseConv2dBackpropFilter,
  FusedConv2D: fusedConv2d,
  FusedDepthwiseConv2D: fusedDepthwiseConv2d,
  Add: add,
  Sub: sub,
  Multiply: multiply,
  RealDiv: realDiv,
  Sum: sum,
  Mean: mean,
  Slice: slice,
  SplitV: splitV,
  AvgPoolGrad: avgPoolGrad,
  MaxPoolGrad: maxPoolGrad,
  Transpose: transpose,
  PadV2: padV2,
  Tile: tile,
  SpaceToBatchND: spaceToBatchND,
  BatchToSpaceND: batchToSpaceND,
};

const stockConfigs = new Map<string, KernelConfig>();

/** True while the fast kernels are registered for 'cpu'. */
export function fastCpuKernelsRegistered(): boolean {
  return stockConfigs.size > 0;
}

/**
 * Replaces the stock 'cpu' kernels named in FAST_CPU_KERNELS (idempotent). Affects every later kernel call on
 * the cpu backend in this JavaScript realm (page, worker or Node process).
 * @throws Error if a kernel it replaces is not registered (a TF.js without the cpu backend).
 */
export function registerFastCpuKernels(): void {
  if (fastCpuKernelsRegistered()) return;
  for (const [name, fast] of Object.entries(FAST_CPU_KERNELS)) {
    const stock = tf.getKernel(name, 'cpu');
    if (!stock) throw new Error(`registerFastCpuKernels: no stock cpu kernel "${name}" to replace`);
    stockConfigs.set(name, stock);
    const stockFunc = stock.kernelFunc;
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel({ ...stock, kernelFunc: ((args) => fast(args as unknown as KernelArgs, stockFunc)) as KernelFunc });
  }
}

/** Puts the stock kernels back (idempotent). */
export function restoreStockCpuKernels(): void {
  for (const [name, stock] of stockConfigs) {
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel(stock);
  }
  stockConfigs.clear();
}
