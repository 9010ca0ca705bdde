// The trainer worker: picks the TF.js backend once, reads datasets from IndexedDB itself, and runs one job
// at a time through comlink. A thin adapter over src/ml/train/run-job.ts; only plain data crosses to the page.
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../src/data/dataset.ts';
import { selectBackend } from '../src/ml/backend.ts';
import type { BackendInfo } from '../src/ml/backend-types.ts';
import { runJob } from '../src/ml/train/run-job.ts';
import { runFinalJob } from '../src/ml/train/final-job.ts';
import type { TrainCheckpoint } from '../src/ml/train/train.ts';
import { openPetridishDb } from '../src/persistence/database/db.ts';
import { getDataset } from '../src/persistence/repositories/dataset-repo.ts';
import type { TrainerApi, WireCheckpoint, WorkerInitOptions, WorkerJobOutcome, WorkerJobRequest, WorkerProgress } from '../src/shared/worker-api.ts';
import type { ExportedModel, MeasureProgress, ModelFormat, MeasureRequest, PointDataRef, PredictResult, TrainerWorkerApi } from '../src/shared/worker-api.ts';
import type { DeviceCostModel } from '../src/core/budget/cost-model.ts';
import { measureDevice } from '../src/ml/train/measure-device.ts';
import { checkExamples, exportPointModel, exportPointOnnx, pointStats, predictTestImages, testPixels } from '../src/ml/model/point-model.ts';
import type { ModelDesc } from '../src/core/space/model-desc.ts';
import type { NamedWeights } from '../src/core/weights.ts';

let backend: Promise<BackendInfo> | null = null;
const cancelled = new Set<string>();
let measureCancelled = false;
/** The measurement in progress: a new one waits for it, so two never interleave on the backend. */
let measuring: Promise<unknown> = Promise.resolve();
/** The last dataset read, kept so consecutive jobs on it skip the IndexedDB read. */
let cachedDataset: { key: string; dataset: Dataset } | null = null;

async function loadDataset(dbName: string, id: string): Promise<Dataset> {
  const key = `${dbName}/${id}`;
  if (cachedDataset?.key === key) return cachedDataset.dataset;
  const db = await openPetridishDb({ name: dbName });
  try {
    const { record, problems } = await getDataset(db, id);
    if (!record) throw new Error(`dataset "${id}" could not be read from IndexedDB${problems.length ? `: ${problems.map((p) => p.message).join('; ')}` : ''}`);
    cachedDataset = { key, dataset: record };
    return record;
  } finally {
    db.close();
  }
}

function toWire(jobId: string, c: TrainCheckpoint): WireCheckpoint {
  const wire: WireCheckpoint = { jobId, epoch: c.epoch, weights: c.weights, optimizer: c.optimizer.buffers, rngState: c.rng, history: c.history, savedAt: Date.now() };
  if (c.position) wire.position = c.position;
  return wire;
}

function fromWire(c: WireCheckpoint): TrainCheckpoint {
  const out: TrainCheckpoint = { epoch: c.epoch, weights: c.weights, optimizer: { steps: c.epoch, buffers: c.optimizer }, rng: c.rngState, history: c.history };
  if (c.position) out.position = c.position;
  return out;
}

/**
 * A `beforeBatch` hook that yields to the event loop once YIELD_MS have passed since the last yield. On the cpu
 * backend a job's batches never wait on anything, so without it a cancel message (and the page's other calls)
 * would only be read when the job ends.
 */
const YIELD_MS = 100;
function yieldNowAndThen(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < YIELD_MS) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    last = performance.now();
  };
}

const api: TrainerWorkerApi = {
  init(opts?: WorkerInitOptions): Promise<BackendInfo> {
    backend ??= selectBackend(opts?.order ? { order: opts.order } : undefined);
    return backend;
  },

  async runJob(req: WorkerJobRequest, onProgress, onCheckpoint): Promise<WorkerJobOutcome> {
    const { job } = req;
    // Cleared before the first await: a cancel posted right after this call must not be lost.
    cancelled.delete(job.id);
    await api.init();
    const dataset = await loadDataset(req.dataset.dbName, req.dataset.id);
    const tensorsBefore = tf.memory().numTensors;
    let batches = 0;
    const run = job.kind === 'final_train' ? runFinalJob : runJob;
    const out: Awaited<ReturnType<typeof runJob>> & { test?: WorkerJobOutcome['finalTest'] } = await run({
      job,
      preset: req.preset,
      dataset,
      initWeights: req.initWeights,
      parentDesc: req.parentDesc,
      resume: req.resume ? fromWire(req.resume) : undefined,
      checkpointIntervalMs: req.checkpointIntervalMs,
      beforeBatch: yieldNowAndThen(),
      shouldStop: () => {
        batches++;
        if (req.crashAfterBatches !== undefined && batches > req.crashAfterBatches) {
          // Test hook: an uncaught error in the worker's global scope, as a real crash would be.
          setTimeout(() => {
            throw new Error(`injected crash in job ${job.id}`);
          });
          return false;
        }
        return cancelled.has(job.id);
      },
      onProgress: (p) => {
        const last = p.history[p.history.length - 1];
        const progress: WorkerProgress = { jobId: job.id, epoch: p.epoch, epochs: p.epochs, batch: p.batch, batches: p.batches, loss: p.trainLoss };
        if (last && p.batch === p.batches && last.epoch === p.epoch) progress.metrics = last;
        onProgress(progress);
      },
      onCheckpoint: (c) => onCheckpoint(toWire(job.id, c)),
    });
    cancelled.delete(job.id);
    const outcome: WorkerJobOutcome = { result: out.result, weights: out.weights, tensorsBefore, tensorsAfter: tf.memory().numTensors,
      ...(out.test ? { finalTest: out.test } : {}) };
    return Comlink.transfer(outcome, [out.weights.data.buffer]);
  },

  cancel(jobId: string): void {
    cancelled.add(jobId);
  },

  memory() {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes };
  },

  async measureDevice(req: MeasureRequest, onProgress: (p: MeasureProgress) => void): Promise<DeviceCostModel> {
    await measuring.catch(() => undefined);
    measureCancelled = false;
    const info = await api.init();
    const run = measureDevice({ ...req, backend: info.backend, shouldStop: () => measureCancelled,
      onProgress: (fraction, stage) => onProgress({ fraction, stage }) });
    measuring = run;
    return run;
  },

  cancelMeasure(): void {
    measureCancelled = true;
  },

  async exportModel(desc: ModelDesc, weights: NamedWeights, ref: PointDataRef, format: ModelFormat): Promise<ExportedModel> {
    await api.init();
    const dataset = await loadDataset(ref.dbName, ref.id);
    const stats = pointStats(dataset, ref.preset, ref.stage);
    if (format === 'onnx') {
      const bytes = exportPointOnnx(desc, weights, stats);
      const onnx = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      return Comlink.transfer({ format, onnx }, [onnx]);
    }
    const out = await exportPointModel(desc, weights, stats);
    return Comlink.transfer({ format, ...out }, [out.weightsBin]);
  },

  async predict(desc: ModelDesc, weights: NamedWeights, ref: PointDataRef, count: number): Promise<PredictResult> {
    await api.init();
    const dataset = await loadDataset(ref.dbName, ref.id);
    const { split, indices, source } = checkExamples(dataset, ref.preset, count);
    const out = await predictTestImages(desc, weights, dataset, pointStats(dataset, ref.preset, ref.stage), indices, split);
    const pixels = testPixels(dataset, indices, split);
    return Comlink.transfer({ ...out, pixels, indices, source }, [pixels.buffer]);
  },
};

Comlink.expose(api);
