// Picks the TF.js backend: webgpu, then webgl, then cpu (wasm cannot train convolutions in TF.js 4.22), and
// watches the WebGPU device for loss, which TF.js itself ignores. On cpu it registers the fast cpu kernels
// (src/ml/kernels/cpu) in place of TF.js's stock ones.

import * as tf from '@tensorflow/tfjs';
import type { AdapterSummary, BackendInfo, BackendName } from './backend-types.ts';
import { registerFastCpuKernels } from './kernels/cpu/register.ts';

const DEFAULT_ORDER: BackendName[] = ['webgpu', 'webgl', 'cpu'];
type LostListener = (reason: string) => void;
const lostListeners = new Set<LostListener>();

/** Calls `cb` once if the WebGPU device is lost; returns an unsubscribe function. */
export function onDeviceLost(cb: LostListener): () => void {
  lostListeners.add(cb);
  return () => lostListeners.delete(cb);
}

interface GpuLike {
  requestAdapter(): Promise<{ info?: Partial<AdapterSummary>; isFallbackAdapter?: boolean } | null>;
}

function navigatorGpu(): GpuLike | null {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return nav?.gpu ?? null;
}

async function describeAdapter(gpu: GpuLike): Promise<AdapterSummary | null> {
  const adapter = await gpu.requestAdapter();
  if (!adapter) return null;
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    // Newer implementations report it on the info object, older ones on the adapter.
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false),
  };
}

function watchDevice(): void {
  const backend = tf.backend() as unknown as { device?: { lost?: Promise<{ reason?: string; message?: string }> } };
  void backend.device?.lost?.then((info) => {
    const reason = `WebGPU device lost (${info.reason ?? 'unknown'}): ${info.message ?? ''}`.trim();
    for (const cb of [...lostListeners]) cb(reason);
  });
}

/** `error` is null on success, else says why webgpu cannot be used. */
async function tryWebgpu(): Promise<{ adapter: AdapterSummary | null; error: string | null }> {
  const gpu = navigatorGpu();
  if (!gpu) return { adapter: null, error: 'navigator.gpu is not available (no WebGPU in this context)' };
  const adapter = await describeAdapter(gpu).catch(() => null);
  if (!adapter) return { adapter: null, error: 'navigator.gpu.requestAdapter() returned no adapter' };
  // Imported only now: the package registers its backend only if navigator.gpu exists at import time.
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!tf.findBackendFactory('webgpu')) return { adapter, error: 'the webgpu backend did not register' };
  const ok = await tf.setBackend('webgpu').catch(() => false);
  if (!ok) return { adapter, error: 'tf.setBackend("webgpu") failed (device creation failed)' };
  watchDevice();
  return { adapter, error: null };
}

export async function selectBackend(prefs?: { order?: BackendName[] }): Promise<BackendInfo> {
  const order = prefs?.order ?? DEFAULT_ORDER;
  if (order.length === 0) throw new Error('selectBackend: prefs.order is empty, expected at least one backend');
  let fallbackReason: string | null = order.includes('webgpu') ? null : 'webgpu not in the preferred order';
  for (const name of order) {
    if (name === 'webgpu') {
      const res = await tryWebgpu();
      if (!res.error) return { backend: 'webgpu', fallbackReason: null, adapter: res.adapter };
      fallbackReason = res.error;
      continue;
    }
    if (!tf.findBackendFactory(name)) continue;
    const ok = await tf.setBackend(name).catch(() => false);
    if (ok && name === 'cpu') registerFastCpuKernels();
    if (ok) return { backend: name, fallbackReason, adapter: null };
  }
  throw new Error(`selectBackend: none of [${order.join(', ')}] could be initialised (${fallbackReason ?? 'no reason'})`);
}
