// Backend choice of the headless runner: WebGPU through Dawn (the npm `webgpu` package) when an adapter
// exists, else the TF.js CPU backend; `webgpu` insists, `cpu` never tries the GPU.

import * as tf from '@tensorflow/tfjs';
import type { BackendInfo } from '../ml/backend-types.ts';
import { selectBackend } from '../ml/backend.ts';
import { enableNodeWebgpu, nodeWebgpuFailureReason } from '../ml/node-webgpu.ts';
import type { CliBackend } from './args.ts';

export async function chooseNodeBackend(wanted: CliBackend): Promise<BackendInfo> {
  if (wanted === 'cpu') return selectBackend({ order: ['cpu'] });
  const dawn = await enableNodeWebgpu();
  if (!dawn && wanted === 'webgpu') throw new Error(`--backend webgpu: ${nodeWebgpuFailureReason() ?? 'WebGPU is unavailable'}`);
  const info = await selectBackend({ order: wanted === 'webgpu' ? ['webgpu'] : ['webgpu', 'cpu'] });
  if (!dawn && info.backend === 'cpu') return { ...info, fallbackReason: nodeWebgpuFailureReason() ?? info.fallbackReason };
  await tf.ready();
  return info;
}

export function describeBackend(info: BackendInfo): string {
  if (info.backend !== 'webgpu') return `${info.backend}${info.fallbackReason ? ` (webgpu unavailable: ${info.fallbackReason})` : ''}`;
  const a = info.adapter;
  const name = a ? [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' ') : 'unknown adapter';
  return `webgpu on ${name}${a?.isFallbackAdapter ? ' (software fallback adapter)' : ''}`;
}
