// The interface between the page and a trainer worker. Both sides import it as a type; only plain data
// crosses (descriptions, configurations, metrics), and weights travel as transferred ArrayBuffers.
import type { ModelDesc } from '../core/space/model-desc.ts';
import type { EpochMetrics, EpochPosition, Job, JobResult, PointStage, TestSource } from '../core/search-types.ts';
import type { SearchPreset } from '../core/training/training-config.ts';
import type { BackendInfo, BackendName } from '../ml/backend-types.ts';
import type { DeviceCostModel } from '../core/budget/cost-model.ts';
import type { SearchSpaceName } from '../core/space/model-desc.ts';
import type { ImageShape } from '../data/dataset.ts';
import type { NamedWeights } from '../core/weights.ts';
import type { FinalTestScore } from '../core/final/final-queue.ts';

/** A checkpoint of a running job (typed arrays, cloned or transferred as they are). */
export interface WireCheckpoint {
  jobId: string;
  /** Epochs completed. */
  epoch: number;
  /** Set when taken inside epoch `epoch + 1`: where to continue it; absent at an epoch's end. */
  position?: EpochPosition;
  weights: NamedWeights;
  /** The optimiser's momentum buffers by parameter path. */
  optimizer: NamedWeights;
  rngState: number[];
  history: EpochMetrics[];
  savedAt: number;
}

export interface WorkerJobRequest {
  job: Job;
  preset: SearchPreset;
  /** The worker reads the dataset from IndexedDB itself: nothing large crosses from the page. */
  dataset: { dbName: string; id: string };
  /** Weights to start from (the parent's or the search job's), or null. */
  initWeights: NamedWeights | null;
  parentDesc: ModelDesc | null;
  resume: WireCheckpoint | null;
  /** Most training time (ms) between two checkpoints inside an epoch; the trainer's default (a minute) otherwise. */
  checkpointIntervalMs?: number;
  /** Test hook: the worker crashes (uncaught error) after this many batches of this job. */
  crashAfterBatches?: number;
}

export interface WorkerProgress {
  jobId: string;
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  /** Present at the end of each epoch. */
  metrics?: EpochMetrics;
}

export interface WorkerJobOutcome {
  result: Omit<JobResult, 'weightsKey'>;
  weights: NamedWeights;
  /** A final training's accuracy on the test split after its last epoch. */
  finalTest?: FinalTestScore;
  /** Tensors alive in the worker before and after the job (they must be equal: no leaks). */
  tensorsBefore: number;
  tensorsAfter: number;
}

export interface WorkerInitOptions {
  order?: BackendName[];
}

/**
 * A dataset plus what reproduces a model's training normalisation: the run's preset and the point's stage, or
 * `final` for a final training's model (statistics of the whole training split).
 */
export interface PointDataRef {
  dbName: string;
  id: string;
  preset: SearchPreset;
  stage: PointStage | 'final';
}

/** The download formats of a trained model. */
export type ModelFormat = 'tfjs' | 'onnx';

export type ExportedModel =
  /** model.json of a standard TF.js layers model (raw 0–255 pixels in, probabilities out) and its weights. */
  | { format: 'tfjs'; modelJson: string; weightsBin: ArrayBuffer }
  /** An ONNX file, opset 13 (raw 0–255 pixels in; logits and probabilities out). */
  | { format: 'onnx'; onnx: ArrayBuffer };

export interface PredictResult {
  probabilities: number[][];
  labels: number[];
  /** The raw uint8 NHWC pixels of those test images, so the page can show them without loading the dataset. */
  pixels: Uint8Array;
  /** The images' indices in their split. */
  indices: number[];
  /** 'test': the dataset's test split; 'held-out': training examples the run held out for testing (no test split). */
  source: TestSource;
}

export interface TrainerApi {
  init(opts?: WorkerInitOptions): Promise<BackendInfo>;
  runJob(
    request: WorkerJobRequest,
    onProgress: (p: WorkerProgress) => void,
    onCheckpoint: (c: WireCheckpoint) => Promise<void>,
  ): Promise<WorkerJobOutcome>;
  cancel(jobId: string): void;
  memory(): { numTensors: number; numBytes: number };
}

/** What the trainer worker also does with a finished point (kept apart so test fakes of TrainerApi stay valid). */
export interface ModelApi {
  /** The point as a standard layers model or an ONNX file with its normalisation baked in (needs the dataset for the statistics). */
  exportModel(desc: ModelDesc, weights: NamedWeights, datasetRef: PointDataRef, format: ModelFormat): Promise<ExportedModel>;
  /**
   * Our network in inference mode on `count` of the run's test examples (its test split, or the examples it
   * held out of training when the dataset has none; see checkExamples), normalised as in training.
   */
  predict(desc: ModelDesc, weights: NamedWeights, datasetRef: PointDataRef, count: number): Promise<PredictResult>;
}

/** What the device measurement needs: the dataset's image shape and classes, and the search space. */
export interface MeasureRequest {
  shape: ImageShape;
  numClasses: number;
  space: SearchSpaceName;
  /** Hard limit on the measurement's wall time, seconds. */
  maxSeconds: number;
}

export interface MeasureProgress {
  /** Fraction done in [0, 1]. */
  fraction: number;
  stage: string;
}

/** The device measurement behind the time estimate and the budget sizing (src/ml/train/measure-device.ts). */
export interface DeviceApi {
  measureDevice(request: MeasureRequest, onProgress: (p: MeasureProgress) => void): Promise<DeviceCostModel>;
  /** Stops a running measurement at its next step (it rejects with a cancellation error). */
  cancelMeasure(): void;
}

/** Everything the trainer worker exposes. */
export type TrainerWorkerApi = TrainerApi & ModelApi & DeviceApi;
