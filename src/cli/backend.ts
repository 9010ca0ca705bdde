// Backend choice of the headless runner: WebGPU through Dawn (the npm `webgpu` package) when an adapter
// exists, else the TF.js CPU backend; `webgpu` insists, `cpu` never tries the GPU. `auto` passes a software
// WebGPU adapter (SwiftShader) over for cpu, as the page does by default (src/ml/backend.ts): such an adapter
// trains several times slower than the cpu kernels.

import * as tf from '@tensorflow/tfjs';
import { isSoftwareAdapter, type AdapterSummary, type BackendInfo, type BackendName } from '../ml/backend-types.ts';
import { selectBackend } from '../ml/backend.ts';
import { enableNodeWebgpu, nodeWebgpuFailureReason } from '../ml/node-webgpu.ts';
import type { CliBackend } from './args.ts';

/** How `--backend` maps onto selectBackend: the order to try, and whether a software WebGPU adapter is passed over. */
export function nodeBackendPrefs(wanted: CliBackend): { order: BackendName[]; skipSoftwareWebgpu: boolean } {
  if (wanted === 'cpu') return { order: ['cpu'], skipSoftwareWebgpu: false };
  if (wanted === 'webgpu') return { order: ['webgpu'], skipSoftwareWebgpu: false };
  return { order: ['webgpu', 'cpu'], skipSoftwareWebgpu: true };
}

/** What chooseNodeBackend reaches for; tests inject a WebGPU that needs no GPU. */
export interface NodeWebgpu {
  /** Sets up `navigator.gpu` (Dawn); false when there is no adapter. */
  enable: () => Promise<boolean>;
  /** Why `enable` returned false. */
  failureReason: () => string | null;
}

const DAWN: NodeWebgpu = { enable: enableNodeWebgpu, failureReason: nodeWebgpuFailureReason };

/**
 * Initialises the TF.js backend `--backend` asks for (see nodeBackendPrefs) and describes it. Throws when
 * `webgpu` is asked for and cannot be used.
 */
export async function chooseNodeBackend(wanted: CliBackend, webgpu: NodeWebgpu = DAWN): Promise<BackendInfo> {
  if (wanted === 'cpu') return selectBackend(nodeBackendPrefs('cpu'));
  const dawn = await webgpu.enable();
  if (!dawn && wanted === 'webgpu') throw new Error(`--backend webgpu: ${webgpu.failureReason() ?? 'WebGPU is unavailable'}`);
  const info = await selectBackend(nodeBackendPrefs(wanted));
  if (!dawn && info.backend === 'cpu') return { ...info, fallbackReason: webgpu.failureReason() ?? info.fallbackReason };
  await tf.ready();
  return info;
}

function adapterName(a: AdapterSummary | null): string {
  return (a ? [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' ') : '') || 'unknown adapter';
}

export function describeBackend(info: BackendInfo): string {
  if (info.chosenBy === 'software-webgpu') return `${info.backend} (a software WebGPU adapter was passed over)`;
  if (info.backend !== 'webgpu') return `${info.backend}${info.fallbackReason ? ` (webgpu unavailable: ${info.fallbackReason})` : ''}`;
  const a = info.adapter;
  return `webgpu on ${adapterName(a)}${a && isSoftwareAdapter(a) ? ' (software adapter, slower than the cpu backend)' : ''}`;
}

/**
 * The line the runner prints when `--backend auto` passed a software WebGPU adapter over for cpu; null when it
 * did not.
 */
export function softwareSkipNote(info: BackendInfo): string | null {
  if (info.chosenBy !== 'software-webgpu') return null;
  return `auto: the only WebGPU adapter is a software one (${adapterName(info.adapter)}), so the ${info.backend} backend is used; `
    + 'pass --backend webgpu to use it anyway';
}
