// Zod schemas of the final-training records, checked whenever one is read back from storage.

import { z } from 'zod';
import { epochMetricsSchema, macroTripleSchema, modelDescSchema, phaseRecipeSchema } from '../export/schema.ts';
import type { FinalSpec } from './final-spec.ts';
import type { FinalResult, FinalTraining } from './final-types.ts';

const count = z.number().int().nonnegative();
const positiveInt = z.number().int().positive();

export const finalSpecSchema: z.ZodType<FinalSpec> = z.object({
  recipe: phaseRecipeSchema,
  initNodeChannels: positiveInt,
  stemMultiplier: positiveInt,
  dropPathProb: z.number().min(0).lt(1),
  auxWeight: z.number().nonnegative(),
  maxCells: positiveInt,
});

export const finalResultSchema: z.ZodType<FinalResult> = z.object({
  history: z.array(epochMetricsSchema),
  testAcc: z.number().min(0).max(1),
  testLoss: z.number(),
  testCount: count,
  testSource: z.enum(['test', 'held-out']),
  madd: z.number().nonnegative(),
  params: count,
  weightsKey: z.string().min(1),
  finishedAt: z.number(),
});

export const finalTrainingSchema: z.ZodType<FinalTraining> = z.object({
  id: z.string().min(1),
  pointId: z.string().min(1),
  spec: finalSpecSchema,
  desc: modelDescSchema,
  macro: macroTripleSchema,
  status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled', 'paused']),
  attempt: positiveInt,
  batchSizeScale: z.number().positive(),
  error: z.string().nullable(),
  createdAt: z.number(),
  result: finalResultSchema.nullable(),
});
