// The TF.js backends the ml tests run on: always cpu, plus the real WebGPU backend (Dawn on SwiftShader)
// when Chromium's SwiftShader ICD is installed.

import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { registerFastCpuKernels } from '../../src/ml/kernels/cpu/register.ts';
import { enableNodeWebgpu, nodeWebgpuFailureReason } from '../../src/ml/node-webgpu.ts';

export type TestBackend = 'cpu' | 'webgpu';

export const TEST_BACKENDS: TestBackend[] = existsSync('/usr/lib/chromium/vk_swiftshader_icd.json')
  ? ['cpu', 'webgpu']
  : ['cpu'];

/** Switches TF.js to `name`; throws (failing the suite) if webgpu was expected but cannot start. */
export async function useBackend(name: TestBackend): Promise<void> {
  if (name === 'webgpu' && !(await enableNodeWebgpu())) {
    throw new Error(`webgpu backend unavailable: ${nodeWebgpuFailureReason() ?? 'unknown reason'}`);
  }
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
  // The app trains on cpu with the fast kernels (selectBackend registers them), so the tests do too.
  if (name === 'cpu') registerFastCpuKernels();
}
