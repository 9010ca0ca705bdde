// The device measurement on the page: runs src/ml/train/measure-device.ts in a trainer worker (the backend the
// search will use), with progress and cancellation, and caches the cost model per backend and search space
// for the page's lifetime (the time estimate of every preset and the budget sizing share one measurement).
import * as Comlink from 'comlink';
import type { DeviceCostModel } from '../../core/budget/cost-model.ts';
import type { SearchSpaceName } from '../../core/space/model-desc.ts';
import type { ImageShape } from '../../data/dataset.ts';
import type { MeasureProgress } from '../../shared/worker-api.ts';
import type { WorkerPool } from '../workers/worker-pool.ts';

export { describeEstimate, estimateSearch, type SearchEstimate } from '../../core/budget/estimate.ts';

/** The measurement's hard limit, seconds. */
export const MEASURE_LIMIT_SECONDS = 30;

export interface MeasureTarget {
  shape: ImageShape;
  numClasses: number;
  space: SearchSpaceName;
}

/**
 * Measures the device on a worker of `pool`. `signal` cancels it (the promise rejects at once with
 * MeasureCancelledError); `onProgress` receives the fraction done and the step being timed.
 */
export async function measureOnPool(pool: WorkerPool, target: MeasureTarget, onProgress: (p: MeasureProgress) => void,
  signal?: AbortSignal): Promise<DeviceCostModel> {
  return pool.call(async (api) => {
    if (signal?.aborted) throw new MeasureCancelledError();
    // The worker sees the cancel between two of its stages (a busy cpu backend reads no message before); the
    // page does not wait for that: it rejects at once and the worker's late result is dropped.
    let onAbort = (): void => undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        void api.cancelMeasure();
        reject(new MeasureCancelledError());
      };
      signal?.addEventListener('abort', onAbort);
    });
    try {
      return await Promise.race([api.measureDevice({ ...target, maxSeconds: MEASURE_LIMIT_SECONDS }, Comlink.proxy(onProgress)), aborted]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  });
}

export class MeasureCancelledError extends Error {
  constructor() {
    super('the device measurement was cancelled');
    this.name = 'MeasureCancelledError';
  }
}

/**
 * The key under which a measurement is reused: the cost model is per MAdd and per layer, so one measurement
 * serves every preset and dataset of the same search space and channel count on this page.
 */
export function measurementKey(target: MeasureTarget): string {
  return `${target.space}/${target.shape.channels}`;
}
