// Wraps every kernel registered for a TF.js backend so that each call is counted and timed by kernel name.
// Kernels that call other kernels through the backend (not through the registry) are timed as one call.

import * as tf from '@tensorflow/tfjs';

export interface KernelStat {
  name: string;
  calls: number;
  ms: number;
}

export interface KernelTimer {
  reset(): void;
  /** Per kernel name, slowest total first. */
  stats(): KernelStat[];
  /** Restores the kernels as they were registered before `wrapKernels`. */
  unwrap(): void;
}

/** Wraps the kernels registered now for `backend`; call `unwrap` before registering other kernels. */
export function wrapKernels(backend: string): KernelTimer {
  const table = new Map<string, KernelStat>();
  const originals = tf.getKernelsForBackend(backend);
  for (const k of originals) {
    const stat: KernelStat = { name: k.kernelName, calls: 0, ms: 0 };
    table.set(k.kernelName, stat);
    const inner = k.kernelFunc;
    tf.unregisterKernel(k.kernelName, backend);
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        const t0 = performance.now();
        const out = inner(args);
        stat.ms += performance.now() - t0;
        stat.calls++;
        return out;
      },
    });
  }
  return {
    reset: () => table.forEach((s) => { s.calls = 0; s.ms = 0; }),
    stats: () => [...table.values()].filter((s) => s.calls > 0).sort((a, b) => b.ms - a.ms),
    unwrap: () => {
      for (const k of originals) {
        tf.unregisterKernel(k.kernelName, backend);
        tf.registerKernel(k);
      }
    },
  };
}
