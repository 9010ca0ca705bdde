// The messages between the headless runner's main thread and its trainer threads (thread-worker.ts,
// thread-pool.ts). Plain data only; trained weights travel as a transferred ArrayBuffer.

import type { ModelDesc } from '../core/space/model-desc.ts';
import type { Job, JobResult } from '../core/search-types.ts';
import type { SearchPreset } from '../core/training/training-config.ts';
import type { NamedWeights } from '../core/weights.ts';
import type { Dataset } from '../data/dataset.ts';
import type { TrainProgress } from '../ml/train/train.ts';
import type { CliBackend } from './args.ts';

/** What a thread is started with (its workerData): the backend to select, the run's preset and the dataset (copied). */
export interface ThreadInit {
  backend: CliBackend;
  preset: SearchPreset;
  dataset: Dataset;
  /**
   * One Int32 the main thread sets to 1 to cancel the running job (and back to 0 before the next). Shared
   * memory, because a job on the cpu backend never yields to the thread's event loop between batches
   * (its reads resolve as microtasks), so a 'cancel' message would only arrive after the job has ended.
   */
  cancelFlag: SharedArrayBuffer;
}

export type ThreadRequest =
  | { type: 'run'; job: Job; initWeights: NamedWeights | null; parentDesc: ModelDesc | null; crashAfterBatches?: number }
  | { type: 'cancel'; jobId: string }
  | { type: 'memory' };

/** TF.js memory of the thread before and after a job (equal when the job freed its tensors). */
export interface ThreadMemory {
  tensorsBefore: number;
  tensorsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
}

export type ThreadReply =
  | { type: 'ready'; backend: string }
  | { type: 'progress'; jobId: string; progress: TrainProgress }
  | ({ type: 'done'; jobId: string; result: Omit<JobResult, 'weightsKey'>; weights: NamedWeights } & ThreadMemory)
  | ({ type: 'failed'; jobId: string; error: { name: string; message: string }; cancelled: boolean } & ThreadMemory)
  | { type: 'memory'; numTensors: number; numBytes: number };
