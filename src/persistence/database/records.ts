// The shapes of the records kept in IndexedDB (current schema version) and the zod schemas that check each
// record read back, so a damaged record is reported instead of crashing the app.

import { z } from 'zod';
import {
  datasetSummarySchema,
  epochMetricsSchema,
  jobSchema,
  poolPointSchema,
  runStatusSchema,
  runStrategySchema,
  searchPresetSchema,
  type RunStatus,
  type RunStrategy,
} from '../../core/export/schema.ts';
import type { SearchPreset } from '../../core/training/training-config.ts';
import { finalTrainingSchema } from '../../core/final/final-schema.ts';
import type { FinalTraining } from '../../core/final/final-types.ts';
import type { EpochMetrics, EpochPosition, Job, PoolPoint } from '../../core/search-types.ts';
import type { WeightSpec } from '../../core/weights.ts';
import type { DatasetSplit, DatasetSummary } from '../../data/dataset.ts';

export type { RunStatus, RunStrategy };

export interface RunRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  status: RunStatus;
  strategy: RunStrategy;
  preset: SearchPreset;
  dataset: DatasetSummary;
  /** The scheduler's small JSON state; opaque to persistence. */
  snapshot: unknown;
  budgetMadd: number | null;
  workers: number;
  /**
   * Seconds of the time budget the user asked for, for a run sized to a time budget: its preset's maxSeconds is
   * this less what the start waited for (the device measurement, a dataset download). Absent for other runs
   * and for runs stored before it was kept.
   */
  budgetSeconds?: number;
}

export interface JobRecord extends Job {
  runId: string;
}

export interface PointRecord extends PoolPoint {
  runId: string;
}

/** A final training of a run (key = its id): settings, job state and, once done, its result. */
export interface FinalRecord extends FinalTraining {
  runId: string;
}

/**
 * A finished job's training curve (key = jobId): its history per epoch, kept for every job kind, so the live
 * curves of jobs that ended before a reload come back. A search job leaves no pool point, so this is the only
 * place its curve is kept. Written by schema version 5 on; earlier runs have none.
 */
export interface CurveRecord {
  jobId: string;
  runId: string;
  history: EpochMetrics[];
}

/** Weights in their own store (key = weightsKey), so listing the pool never loads megabytes of floats. */
export interface WeightsRecord {
  /** null only for weights that no run referenced when version 1 data was migrated. */
  runId: string | null;
  specs: WeightSpec[];
  data: Float32Array;
}

export interface StoredWeights {
  specs: WeightSpec[];
  data: Float32Array;
}

/** The last checkpoint of a running job (an epoch's end, or inside an epoch), enough to continue after a reload (key = jobId). */
export interface CheckpointRecord {
  jobId: string;
  runId: string;
  epoch: number;
  /** Set when taken inside epoch `epoch + 1`; records written before mid-epoch checkpoints have none. */
  position?: EpochPosition;
  weights: StoredWeights;
  /** Optimiser slots (momentum buffers), named like the weights they belong to. */
  optimizer: StoredWeights;
  /** The job's random generator state words, so shuffles and augmentation continue the same stream. */
  rngState: number[];
  history: EpochMetrics[];
  savedAt: number;
}

/** Where a chunked dataset's bytes are: each split's images and labels, cut into `chunkBytes` pieces. */
export interface DatasetChunkLayout {
  chunkBytes: number;
  parts: { name: string; length: number; chunks: number; count: number }[];
}

/**
 * The picker's view of a cached dataset. With `layout` (schema version 3 on) its bytes are in `datasetChunks`;
 * without it (stored by an earlier release) they are one `datasetBlobs` record under the same id.
 */
export interface DatasetMetaRecord {
  id: string;
  summary: DatasetSummary;
  storedAt: number;
  layout?: DatasetChunkLayout;
}

/** One piece (at most `DatasetChunkLayout.chunkBytes`) of one split's images or labels. */
export interface DatasetChunkRecord {
  datasetId: string;
  /** "train.images", "test.labels", … */
  part: string;
  index: number;
  bytes: Uint8Array;
}

export interface DatasetBlobRecord {
  id: string;
  train: DatasetSplit;
  test: DatasetSplit | null;
}

/** A record that could not be read back; it is skipped and reported, never thrown past the caller. */
export interface RecordProblem {
  store: string;
  key: string;
  message: string;
}

export interface ReadList<T> {
  records: T[];
  problems: RecordProblem[];
}

export interface ReadOne<T> {
  record: T | null;
  problems: RecordProblem[];
}

export const runRecordSchema: z.ZodType<RunRecord> = z.object({
  id: z.string().min(1),
  name: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  status: runStatusSchema,
  strategy: runStrategySchema,
  preset: searchPresetSchema,
  dataset: datasetSummarySchema,
  snapshot: z.unknown(),
  budgetMadd: z.number().positive().nullable(),
  workers: z.number().int().positive(),
  budgetSeconds: z.number().positive().optional(),
});

export const jobRecordSchema: z.ZodType<JobRecord> = z.intersection(jobSchema, z.object({ runId: z.string().min(1) }));
export const pointRecordSchema: z.ZodType<PointRecord> = z.intersection(
  poolPointSchema,
  z.object({ runId: z.string().min(1) }),
);

export const finalRecordSchema: z.ZodType<FinalRecord> = z.intersection(finalTrainingSchema, z.object({ runId: z.string().min(1) }));

export const curveRecordSchema: z.ZodType<CurveRecord> = z.object({
  jobId: z.string().min(1),
  runId: z.string().min(1),
  history: z.array(epochMetricsSchema),
});

const weightSpecSchema = z.object({
  path: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  offset: z.number().int().nonnegative(),
});

/** Checks the specs fit inside the buffer, so a truncated record is caught here and not in the trainer. */
const storedWeightsSchema: z.ZodType<StoredWeights> = z
  .object({ specs: z.array(weightSpecSchema), data: z.instanceof(Float32Array) })
  .superRefine((w, ctx) => {
    w.specs.forEach((s, i) => {
      const size = s.shape.reduce((a, b) => a * b, 1);
      if (s.offset + size > w.data.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['specs', i],
          message: `tensor ${s.path} needs elements ${s.offset}..${s.offset + size} but data holds ${w.data.length}`,
        });
      }
    });
  });

export const weightsRecordSchema: z.ZodType<WeightsRecord> = z.intersection(
  storedWeightsSchema,
  z.object({ runId: z.string().nullable() }),
);

export const checkpointRecordSchema: z.ZodType<CheckpointRecord> = z.object({
  jobId: z.string().min(1),
  runId: z.string().min(1),
  epoch: z.number().int().nonnegative(),
  position: z
    .object({
      batch: z.number().int().positive(),
      batchSize: z.number().int().positive(),
      orderRng: z.array(z.number()),
      lossSum: z.number(),
      hits: z.number().nonnegative(),
      seen: z.number().int().positive(),
      seconds: z.number().nonnegative(),
    })
    .optional(),
  weights: storedWeightsSchema,
  optimizer: storedWeightsSchema,
  rngState: z.array(z.number()),
  history: z.array(epochMetricsSchema),
  savedAt: z.number(),
});

const datasetChunkLayoutSchema: z.ZodType<DatasetChunkLayout> = z.object({
  chunkBytes: z.number().int().positive(),
  parts: z.array(z.object({
    name: z.string().min(1),
    length: z.number().int().nonnegative(),
    chunks: z.number().int().nonnegative(),
    count: z.number().int().nonnegative(),
  })),
});

export const datasetMetaRecordSchema: z.ZodType<DatasetMetaRecord> = z.object({
  id: z.string().min(1),
  summary: datasetSummarySchema,
  storedAt: z.number(),
  layout: datasetChunkLayoutSchema.optional(),
});

const datasetSplitSchema: z.ZodType<DatasetSplit> = z.object({
  images: z.instanceof(Uint8Array),
  labels: z.instanceof(Uint8Array),
  count: z.number().int().nonnegative(),
});

export const datasetBlobRecordSchema: z.ZodType<DatasetBlobRecord> = z.object({
  id: z.string().min(1),
  train: datasetSplitSchema,
  test: datasetSplitSchema.nullable(),
});
