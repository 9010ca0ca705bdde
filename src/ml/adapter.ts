// The WebGPU adapter as the page and the trainer worker both see it, without TF.js: the backend order and the
// adapter's description, shared by the backend selection in the worker (backend.ts) and the page's look at the
// device before any worker starts (backend-probe.ts).
import type { AdapterSummary, BackendName } from './backend-types.ts';

/** The order backends are tried in unless one is asked for: webgpu, then webgl, then cpu. */
export const DEFAULT_BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'cpu'];

export interface GpuLike {
  requestAdapter(): Promise<{ info?: Partial<AdapterSummary>; isFallbackAdapter?: boolean } | null>;
}

/** `navigator.gpu` of this context (page or worker), or null where there is no WebGPU. */
export function navigatorGpu(): GpuLike | null {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return nav?.gpu ?? null;
}

/** Asks for the default adapter and describes it; null when there is none. Creates no device. */
export async function describeAdapter(gpu: GpuLike): Promise<AdapterSummary | null> {
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
