// Counts the compute-shader dispatches of the TF.js WebGPU backend by program name. A registered kernel can
// dispatch several programs, or none (a reshape only relabels a buffer), so on WebGPU this is the count that
// the GPU pays for; the registered-kernel count of kernel-timer.ts is the count JavaScript pays for.

import * as tf from '@tensorflow/tfjs';

export interface DispatchCounter {
  reset(): void;
  /** Per program name, most dispatches first. */
  stats(): { name: string; calls: number }[];
  total(): number;
  /** Restores the backend's own method. */
  unwrap(): void;
}

interface RecordingBackend {
  recordAndSubmit: (program: object, ...rest: unknown[]) => unknown;
}

/**
 * Wraps `recordAndSubmit` of the active WebGPU backend, the one place every program dispatch goes through
 * (tfjs-backend-webgpu 4.22, backend_webgpu.ts). Throws when the active backend is not WebGPU.
 */
export function countGpuDispatches(): DispatchCounter {
  if (tf.getBackend() !== 'webgpu') throw new Error(`countGpuDispatches: the active backend is ${tf.getBackend()}, not webgpu`);
  const backend = tf.backend() as unknown as RecordingBackend;
  const inner = backend.recordAndSubmit;
  if (typeof inner !== 'function') throw new Error('countGpuDispatches: this WebGPU backend has no recordAndSubmit (tfjs-backend-webgpu changed)');
  const table = new Map<string, number>();
  backend.recordAndSubmit = function (program: object, ...rest: unknown[]) {
    const name = program.constructor.name;
    table.set(name, (table.get(name) ?? 0) + 1);
    return inner.call(this, program, ...rest);
  };
  return {
    reset: () => table.clear(),
    stats: () => [...table.entries()].map(([name, calls]) => ({ name, calls })).sort((a, b) => b.calls - a.calls),
    total: () => [...table.values()].reduce((a, b) => a + b, 0),
    unwrap: () => { backend.recordAndSubmit = inner; },
  };
}
