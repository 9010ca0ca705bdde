// Picks the TF.js backend: webgpu, then webgl, then cpu (wasm cannot train convolutions in TF.js 4.22), and
// watches the WebGPU device for loss, which TF.js itself ignores. On cpu it registers the fast cpu kernels
// (src/ml/kernels/cpu) in place of TF.js's stock ones. By default a software WebGPU adapter (SwiftShader, a
// browser with no usable GPU) is passed over for cpu: it trains several times slower than the cpu kernels,
// and such a browser's WebGL runs on the same software rasterizer. An order asked for explicitly is kept.

import * as tf from '@tensorflow/tfjs';
import { DEFAULT_BACKEND_ORDER, describeAdapter, navigatorGpu } from './adapter.ts';
import { isSoftwareAdapter, type AdapterSummary, type BackendInfo, type BackendName } from './backend-types.ts';
import { registerFastCpuKernels } from './kernels/cpu/register.ts';

type LostListener = (reason: string) => void;
const lostListeners = new Set<LostListener>();

/** Calls `cb` once if the WebGPU device is lost; returns an unsubscribe function. */
export function onDeviceLost(cb: LostListener): () => void {
  lostListeners.add(cb);
  return () => lostListeners.delete(cb);
}

function watchDevice(): void {
  const backend = tf.backend() as unknown as { device?: { lost?: Promise<{ reason?: string; message?: string }> } };
  void backend.device?.lost?.then((info) => {
    const reason = `WebGPU device lost (${info.reason ?? 'unknown'}): ${info.message ?? ''}`.trim();
    for (const cb of [...lostListeners]) cb(reason);
  });
}

/** `error` is null on success, else says why webgpu cannot be used. */
async function tryWebgpu(skipSoftware: boolean): Promise<{ adapter: AdapterSummary | null; error: string | null; software?: true }> {
  const gpu = navigatorGpu();
  if (!gpu) return { adapter: null, error: 'navigator.gpu is not available (no WebGPU in this context)' };
  const adapter = await describeAdapter(gpu).catch(() => null);
  if (!adapter) return { adapter: null, error: 'navigator.gpu.requestAdapter() returned no adapter' };
  if (skipSoftware && isSoftwareAdapter(adapter)) {
    return { adapter, error: 'the only WebGPU adapter is a software emulation, slower than the CPU backend', software: true };
  }
  // Imported only now: the package registers its backend only if navigator.gpu exists at import time.
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!tf.findBackendFactory('webgpu')) return { adapter, error: 'the webgpu backend did not register' };
  const ok = await tf.setBackend('webgpu').catch(() => false);
  if (!ok) return { adapter, error: 'tf.setBackend("webgpu") failed (device creation failed)' };
  watchDevice();
  return { adapter, error: null };
}

/**
 * Initialises the first backend of `prefs.order` that works (default webgpu, webgl, cpu). With the default
 * order, a software WebGPU adapter (`isSoftwareAdapter`) makes it take cpu directly, `chosenBy:
 * 'software-webgpu'`, with the adapter described; an order given by the caller is followed as given, unless
 * `prefs.skipSoftwareWebgpu` asks for the same pass-over (the headless runner's `--backend auto`, whose order
 * is webgpu, cpu). `chosenBy` is `asked` only when the order is followed as given.
 * Throws when the order is empty or none of its backends can be initialised.
 */
export async function selectBackend(prefs?: { order?: BackendName[]; skipSoftwareWebgpu?: boolean }): Promise<BackendInfo> {
  const skipSoftware = prefs?.skipSoftwareWebgpu ?? prefs?.order === undefined;
  const asked = !skipSoftware;
  const order = prefs?.order ?? DEFAULT_BACKEND_ORDER;
  if (order.length === 0) throw new Error('selectBackend: prefs.order is empty, expected at least one backend');
  let fallbackReason: string | null = order.includes('webgpu') ? null : 'webgpu not in the preferred order';
  let passedOver: AdapterSummary | null = null;
  for (const name of order) {
    if (name === 'webgpu') {
      const res = await tryWebgpu(skipSoftware);
      if (!res.error) return { backend: 'webgpu', fallbackReason: null, adapter: res.adapter, chosenBy: asked ? 'asked' : 'default' };
      fallbackReason = res.error;
      if (res.software) {
        passedOver = res.adapter;
        break;
      }
      continue;
    }
    const info = await trySetBackend(name, fallbackReason, asked ? 'asked' : 'default');
    if (info) return info;
  }
  if (passedOver) {
    const info = await trySetBackend('cpu', fallbackReason, 'software-webgpu');
    if (info) return { ...info, adapter: passedOver };
  }
  throw new Error(`selectBackend: none of [${order.join(', ')}] could be initialised (${fallbackReason ?? 'no reason'})`);
}

async function trySetBackend(name: 'webgl' | 'cpu', fallbackReason: string | null, chosenBy: BackendInfo['chosenBy']): Promise<BackendInfo | null> {
  if (!tf.findBackendFactory(name)) return null;
  const ok = await tf.setBackend(name).catch(() => false);
  if (!ok) return null;
  if (name === 'cpu') registerFastCpuKernels();
  return { backend: name, fallbackReason, adapter: null, chosenBy };
}
