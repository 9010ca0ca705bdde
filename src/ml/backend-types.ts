// What backend selection reports: plain data, safe to send across the worker boundary.

export type BackendName = 'webgpu' | 'webgl' | 'cpu';

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters such as SwiftShader: correct, but far too slow for real searches. */
  isFallbackAdapter: boolean;
}

export interface BackendInfo {
  backend: BackendName;
  /** Why webgpu was not used; null when it was. */
  fallbackReason: string | null;
  /** The WebGPU adapter: the one training when webgpu is the backend, or the software one passed over (`chosenBy`). */
  adapter: AdapterSummary | null;
  /**
   * How the backend was chosen: `default` (the default order, first that works), `software-webgpu` (the
   * default order, but the only WebGPU adapter is a software emulation such as SwiftShader, slower than the cpu
   * backend, so cpu was taken), or `asked` (the order given by the caller, e.g. the page's `?backends=`).
   */
  chosenBy: 'default' | 'software-webgpu' | 'asked';
  /**
   * Set when the page found this without a trainer worker (`probeBackend`): the backend the trainer will take,
   * not yet confirmed by one (a worker's own report, once one starts, has no such flag).
   */
  probed?: true;
}

/**
 * True when the adapter is a software emulation rather than a GPU: the adapter says it is a fallback adapter,
 * or its info names SwiftShader (older Chromium reports SwiftShader without the flag).
 */
export function isSoftwareAdapter(a: AdapterSummary): boolean {
  return a.isFallbackAdapter || /swiftshader/i.test([a.vendor, a.architecture, a.device, a.description].join(' '));
}
