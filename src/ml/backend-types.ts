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
  /** The WebGPU adapter, when webgpu is the backend. */
  adapter: AdapterSummary | null;
}
