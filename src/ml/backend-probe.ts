// The backend the trainer will take, found in the page without starting a trainer worker or loading TF.js, so
// the device panel can say it at page load while the worker starts only when a job needs it. It follows
// `selectBackend` (backend.ts) step by step, using what the page can see: the WebGPU adapter (asked for,
// no device created) and whether a WebGL context can be made. The worker's own report, once one starts,
// replaces it (a device that cannot be created, for example, is only found there).
import { DEFAULT_BACKEND_ORDER, navigatorGpu, describeAdapter, type GpuLike } from './adapter.ts';
import { isSoftwareAdapter, type BackendInfo, type BackendName } from './backend-types.ts';

export interface ProbeEnv {
  /** `navigator.gpu`, or null without WebGPU. */
  gpu: GpuLike | null;
  /** Whether a WebGL context can be made (TF.js's webgl backend needs one). */
  hasWebgl: () => boolean;
}

/**
 * The backend `selectBackend(prefs)` would choose, with `probed: true`: with the default order a software
 * WebGPU adapter means cpu (`chosenBy: 'software-webgpu'`), as there. Throws when the order is empty.
 */
export async function probeBackend(prefs?: { order?: BackendName[] }, env: ProbeEnv = pageEnv()): Promise<BackendInfo> {
  const asked = prefs?.order !== undefined;
  const order = prefs?.order ?? DEFAULT_BACKEND_ORDER;
  if (order.length === 0) throw new Error('probeBackend: prefs.order is empty, expected at least one backend');
  const chosenBy = asked ? 'asked' : 'default';
  let fallbackReason: string | null = order.includes('webgpu') ? null : 'webgpu not in the preferred order';
  for (const name of order) {
    if (name === 'webgpu') {
      if (!env.gpu) {
        fallbackReason = 'navigator.gpu is not available (no WebGPU in this context)';
        continue;
      }
      const adapter = await describeAdapter(env.gpu).catch(() => null);
      if (!adapter) {
        fallbackReason = 'navigator.gpu.requestAdapter() returned no adapter';
        continue;
      }
      if (!asked && isSoftwareAdapter(adapter)) {
        return { backend: 'cpu', fallbackReason: 'the only WebGPU adapter is a software emulation, slower than the CPU backend', adapter, chosenBy: 'software-webgpu', probed: true };
      }
      return { backend: 'webgpu', fallbackReason: null, adapter, chosenBy, probed: true };
    }
    if (name === 'webgl' && !env.hasWebgl()) continue;
    return { backend: name, fallbackReason, adapter: null, chosenBy, probed: true };
  }
  throw new Error(`probeBackend: none of [${order.join(', ')}] is available (${fallbackReason ?? 'no reason'})`);
}

function pageEnv(): ProbeEnv {
  return {
    gpu: navigatorGpu(),
    hasWebgl: () => {
      try {
        const canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(1, 1) : null;
        const gl = canvas?.getContext('webgl2') ?? canvas?.getContext('webgl') ?? null;
        // Let the context go at once: browsers cap how many a page may hold.
        (gl as WebGL2RenderingContext | null)?.getExtension('WEBGL_lose_context')?.loseContext();
        return gl !== null;
      } catch {
        return false;
      }
    },
  };
}
