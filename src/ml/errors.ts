// The errors a training job can end with, and their classification from TF.js / WebGPU messages so the
// scheduler can decide to retry smaller (oom), restart the worker (device-lost) or give up.

export type ErrorKind = 'oom' | 'device-lost' | 'nan' | 'cancelled' | 'other';

/** Thrown at the next batch after `shouldStop()` turned true. */
export class JobCancelledError extends Error {
  constructor(message = 'job cancelled') {
    super(message);
    this.name = 'JobCancelledError';
  }
}

/** Thrown when a training loss is not finite; names where it happened. */
export class NanLossError extends Error {
  readonly epoch: number;
  readonly batch: number;
  readonly loss: number;
  constructor(epoch: number, batch: number, loss: number) {
    super(`non-finite training loss ${loss} at epoch ${epoch}, batch ${batch}`);
    this.name = 'NanLossError';
    this.epoch = epoch;
    this.batch = batch;
    this.loss = loss;
  }
}

/** Thrown when an epoch's training or validation loss or accuracy is NaN or ±Infinity (the job diverged). */
export class NonFiniteMetricError extends Error {
  readonly epoch: number;
  readonly metric: string;
  readonly value: number;
  /** `metric` in words, e.g. "validation loss"; `epoch` 1-based. */
  constructor(metric: string, epoch: number, value: number) {
    super(`non-finite ${metric} ${value} at epoch ${epoch}`);
    this.name = 'NonFiniteMetricError';
    this.epoch = epoch;
    this.metric = metric;
    this.value = value;
  }
}

const OOM = [/out of memory/i, /\boom\b/i, /failed to allocate/i, /allocation failed/i, /requested buffer size/i,
  /exceeds the max(imum)? (buffer|texture) size/i, /maxBufferSize/i, /maxStorageBufferBindingSize/i,
  /array buffer allocation/i, /invalid (typed )?array length/i, /GL_OUT_OF_MEMORY/i];
const DEVICE_LOST = [/device (was |is )?lost/i, /device\.lost/i, /context (was |is )?lost/i, /webglcontextlost/i,
  /CONTEXT_LOST_WEBGL/i, /GPU process/i, /device has been destroyed/i, /instance dropped/i];

function messageOf(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  if (typeof e === 'string') return e;
  if (typeof e === 'object' && e !== null && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

export function classifyError(e: unknown): ErrorKind {
  if (e instanceof JobCancelledError) return 'cancelled';
  if (e instanceof NanLossError || e instanceof NonFiniteMetricError) return 'nan';
  const msg = messageOf(e);
  if (/JobCancelledError/.test(msg)) return 'cancelled';
  if (/NanLossError|NonFiniteMetricError|non-finite (training|validation) (loss|accuracy)/i.test(msg)) return 'nan';
  if (DEVICE_LOST.some((r) => r.test(msg))) return 'device-lost';
  if (e instanceof RangeError && /allocation|array length/i.test(msg)) return 'oom';
  if (OOM.some((r) => r.test(msg))) return 'oom';
  return 'other';
}
