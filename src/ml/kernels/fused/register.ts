// The fused training kernels (batch norm's training forward and backward, and the SGD step over every
// parameter) registered for the cpu and WebGPU backends, and the switch that selects them or the stock
// composites (the A/B benchmark runs both in one process).

import * as tf from '@tensorflow/tfjs';
import type { KernelFunc } from '@tensorflow/tfjs';
import type { KernelArgs } from '../cpu/cpu-kernel.ts';
import { batchNormTrainCpu, batchNormTrainGradCpu } from './batch-norm-cpu.ts';
import { batchNormTrainGradWebgpu, batchNormTrainWebgpu } from './batch-norm-webgpu.ts';
import { sgdStepCpu, sgdStepWebgpu } from './sgd-step.ts';

export const BN_TRAIN = 'PetridishBatchNormTrain';
export const BN_TRAIN_GRAD = 'PetridishBatchNormTrainGrad';
export const SGD_STEP = 'PetridishSgdStep';

type Impl = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

const KERNELS: Record<string, Partial<Record<'cpu' | 'webgpu', Impl>>> = {
  [BN_TRAIN]: { cpu: batchNormTrainCpu, webgpu: batchNormTrainWebgpu as unknown as Impl },
  [BN_TRAIN_GRAD]: { cpu: batchNormTrainGradCpu, webgpu: batchNormTrainGradWebgpu as unknown as Impl },
  [SGD_STEP]: { cpu: sgdStepCpu, webgpu: sgdStepWebgpu as unknown as Impl },
};

let enabled = true;

/** Registers every fused kernel for the backends that have an implementation (idempotent). */
export function registerFusedKernels(): void {
  for (const [name, impls] of Object.entries(KERNELS)) {
    for (const [backendName, impl] of Object.entries(impls)) {
      if (tf.getKernel(name, backendName)) continue;
      tf.registerKernel({ kernelName: name, backendName, kernelFunc: impl as unknown as KernelFunc });
    }
  }
}

/**
 * Selects the fused kernels (true, the default) or the stock composites (false) for every later training
 * step in this JavaScript realm. Both compute the same numbers within float32 rounding.
 */
export function setFusedTraining(on: boolean): void {
  enabled = on;
}

/** Whether training uses fused kernel `name` now: switched on, and registered for the active backend. */
export function useFused(name: string): boolean {
  if (!enabled) return false;
  registerFusedKernels();
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}
