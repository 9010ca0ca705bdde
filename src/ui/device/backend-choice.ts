// The device panel's words for how the training backend was chosen, and the link that chooses the other one
// (the page's `?backends=` parameter, read by src/runtime/app-info.ts and followed by the page's look at the
// device and by the trainer worker once a job starts it).
import { isSoftwareAdapter, type BackendInfo } from '../../ml/backend-types.ts';

export interface BackendChoice {
  /** A plain sentence on why training runs where it does; null when there is nothing to say (a GPU trains). */
  note: string | null;
  /** `warn` when training runs slower than it could on this device for a reason the user may fix. */
  tone: 'warn' | 'info';
  /** A link to the same page with the other backend chosen; null when there is no other worth offering. */
  other: { label: string; href: string } | null;
}

/** `search` is the page's query string (`?a=b&…`); returns it with `backends` set to `order` (or removed when null). */
export function withBackends(search: string, order: string | null): string {
  const q = new URLSearchParams(search);
  if (order === null) q.delete('backends');
  else q.set('backends', order);
  const s = q.toString();
  return s ? `?${s}` : '?';
}

/** Describes `info` (from selectBackend) for the device panel; `search` is the page's query string. */
export function describeBackendChoice(info: BackendInfo, search: string): BackendChoice {
  const software = info.adapter !== null && isSoftwareAdapter(info.adapter);
  if (info.chosenBy === 'software-webgpu') {
    return {
      note: "Your browser's WebGPU here is a software emulation, slower than the CPU backend, so training runs on the CPU.",
      tone: 'info',
      other: { label: 'Use WebGPU anyway', href: withBackends(search, 'webgpu') },
    };
  }
  if (info.backend === 'webgpu') {
    if (!software) return { note: null, tone: 'info', other: null };
    return {
      note: 'Training runs on WebGPU as asked, but WebGPU here is a software emulation, slower than the CPU backend.',
      tone: 'warn',
      other: { label: 'Use the CPU instead', href: withBackends(search, 'cpu') },
    };
  }
  const where = info.backend === 'webgl' ? 'WebGL' : 'the CPU';
  if (info.chosenBy === 'asked') {
    const asked = new URLSearchParams(search).get('backends') ?? '';
    return {
      note: `WebGPU not used: ${info.fallbackReason ?? 'not asked for'}${asked ? ` (the address asks for ${asked})` : ''}. Training runs on ${where}.`,
      tone: 'info',
      other: { label: 'Use the default choice', href: withBackends(search, null) },
    };
  }
  return {
    note: `WebGPU not used: ${info.fallbackReason ?? 'unknown reason'}. Training runs on ${where}, slower than on a GPU.`,
    tone: 'warn',
    other: null,
  };
}
