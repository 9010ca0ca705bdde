// FusedConv2D and FusedDepthwiseConv2D (what tf.layers convolutions with a bias call) for the cpu backend:
// the fast convolution, then the bias and the activation through the cpu kernels registered under those
// names, in the stock kernels' order (conv, Add, activation). Without them a tf.layers model and the
// network's own ops would sum their convolutions in different orders. NCHW goes to the stock kernel.

import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { CpuBackend, FastKernel, KernelArgs } from '../cpu-kernel.ts';
import { conv2d } from './conv2d.ts';
import { depthwiseConv2d } from './depthwise.ts';

const ACTIVATION_KERNELS: Readonly<Record<string, string>> = {
  linear: 'Identity', relu: 'Relu', relu6: 'Relu6', elu: 'Elu', sigmoid: 'Sigmoid', leakyrelu: 'LeakyRelu', prelu: 'Prelu',
};

function runCpuKernel(name: string, inputs: Record<string, TensorInfo>, backend: CpuBackend, attrs: NamedAttrMap = {}): TensorInfo {
  const kernel = tf.getKernel(name, 'cpu');
  if (!kernel) throw new Error(`no cpu kernel "${name}" is registered`);
  return kernel.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

/** Adds the bias and applies the activation to `conv`, freeing the intermediates as the stock kernels do. */
function biasAndActivation(args: KernelArgs, conv: TensorInfo): TensorInfo {
  const { bias, preluActivationWeights } = args.inputs as { bias?: TensorInfo; preluActivationWeights?: TensorInfo };
  const activation = args.attrs.activation as string | undefined;
  const backend = args.backend;
  let result = conv;
  if (bias) {
    const old = result;
    result = runCpuKernel('Add', { a: result, b: bias }, backend);
    backend.disposeIntermediateTensorInfo(old);
  }
  if (activation) {
    const name = ACTIVATION_KERNELS[activation];
    if (!name) throw new Error(`Activation ${activation} has not been implemented for the CPU backend.`);
    const old = result;
    const inputs: Record<string, TensorInfo> = activation === 'prelu' ? { x: result, alpha: preluActivationWeights! } : { x: result };
    result = runCpuKernel(name, inputs, backend, activation === 'leakyrelu' ? { alpha: args.attrs.leakyreluAlpha as number } : {});
    backend.disposeIntermediateTensorInfo(old);
  }
  return result;
}

function convOnly(args: KernelArgs): KernelArgs {
  const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = args.attrs;
  return { ...args, inputs: { x, filter }, attrs: { strides, pad, dataFormat, dilations, dimRoundingMode } as NamedAttrMap };
}

export const fusedConv2d: FastKernel = (args, stock) => {
  if (args.attrs.dataFormat === 'NCHW') return stock(args);
  // The stock fused kernel given only x and filter is a plain convolution: conv2d's own fallback.
  return biasAndActivation(args, conv2d(convOnly(args), stock) as TensorInfo);
};

export const fusedDepthwiseConv2d: FastKernel = (args, stock) => {
  if (args.attrs.dataFormat === 'NCHW') return stock(args);
  return biasAndActivation(args, depthwiseConv2d(convOnly(args), stock) as TensorInfo);
};
