// Zod schemas for the shared records (descriptions, presets, dataset summaries, pool point fields), used to
// check anything read back from storage or from an imported file before the app trusts it.

import { z } from 'zod';
import type { ChoiceDesc, EdgeDesc, MacroTriple, ModelDesc, NodeDesc } from '../space/model-desc.ts';
import type { PhaseRecipe, SearchPreset } from '../training/training-config.ts';
import type { CandidateChoices, EpochMetrics, InheritanceReport, Job, PoolPoint } from '../search-types.ts';
import type { DatasetSummary } from '../../data/dataset.ts';
import { ALL_PRIMITIVES } from '../space/primitives.ts';

const count = z.number().int().nonnegative();
const positiveInt = z.number().int().positive();
const finite = z.number().finite();

export const primitiveNameSchema = z.enum(ALL_PRIMITIVES);
export const strideSchema = z.union([z.literal(1), z.literal(2)]);
export const searchSpaceSchema = z.enum(['canonical', 'ecv2022']);

export const edgeDescSchema: z.ZodType<EdgeDesc> = z.object({ input: count, op: primitiveNameSchema, stride: strideSchema });
export const choiceDescSchema: z.ZodType<ChoiceDesc> = z.object({
  input: count,
  op: primitiveNameSchema,
  stride: strideSchema,
  alpha: finite,
});

export const nodeDescSchema: z.ZodType<NodeDesc> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sum'), id: z.string().min(1), edges: z.array(edgeDescSchema) }),
  z.object({
    kind: z.literal('candidate'),
    id: z.string().min(1),
    inputs: z.array(count),
    strides: z.array(strideSchema),
    primitives: z.array(primitiveNameSchema),
  }),
  z.object({ kind: z.literal('multi'), id: z.string().min(1), choices: z.array(choiceDescSchema) }),
]);

const cellTemplateSchema = z.object({ nodes: z.array(nodeDescSchema) });
const imageShapeSchema = z.object({ height: positiveInt, width: positiveInt, channels: positiveInt });

export const modelDescSchema: z.ZodType<ModelDesc> = z.object({
  version: z.literal(1),
  space: searchSpaceSchema,
  input: imageShapeSchema,
  downsample: positiveInt.optional(),
  numClasses: positiveInt,
  initNodeChannels: positiveInt,
  stemMultiplier: positiveInt,
  stemStride: strideSchema,
  nCells: positiveInt,
  nReductions: count,
  cells: z.object({ normal: cellTemplateSchema, reduction: cellTemplateSchema }),
});

export const macroTripleSchema: z.ZodType<MacroTriple> = z.object({ cells: count, reductions: count, nodes: count });

export const phaseRecipeSchema: z.ZodType<PhaseRecipe> = z.object({
  epochs: count,
  batchSize: positiveInt,
  lr: finite,
  minLr: finite,
  momentum: finite,
  weightDecay: finite,
  gradClip: finite,
  cutout: count,
  valFraction: z.number().min(0).max(1),
  maxBatchesPerEpoch: positiveInt.optional(),
  maxValExamples: positiveInt.optional(),
});

const rangeSchema = z.tuple([z.number().int(), z.number().int()]);

export const searchPresetSchema: z.ZodType<SearchPreset> = z.object({
  name: z.enum(['paper', 'standard', 'tiny', 'ecv2022', 'budget']),
  space: searchSpaceSchema,
  initNodeChannels: positiveInt,
  stemMultiplier: positiveInt,
  seedGrid: z.object({ reductions: rangeSchema, cells: rangeSchema, nodes: rangeSchema }),
  seedTrain: phaseRecipeSchema,
  search: phaseRecipeSchema,
  postTrain: phaseRecipeSchema,
  topK: positiveInt,
  l1Alpha: finite,
  eps: z.number().nonnegative(),
  maxMadd: z.number().positive().nullable(),
  maxPoolSize: positiveInt.nullable(),
  maxSeconds: z.number().positive().nullable(),
  examplesPerClass: positiveInt.nullable(),
  // Absent in runs and exports from before test accuracy was measured.
  testExamples: positiveInt.nullable().default(null),
  inputDownsample: positiveInt.optional(),
  seed: z.number().int(),
});

export const datasetSummarySchema: z.ZodType<DatasetSummary> = z.object({
  id: z.string().min(1),
  name: z.string(),
  source: z.enum(['builtin', 'download', 'upload']),
  shape: imageShapeSchema,
  numClasses: positiveInt,
  classNames: z.array(z.string()),
  trainCount: count,
  testCount: count,
  validCount: count.optional(),
  bytes: count,
  notes: z.array(z.string()).optional(),
});

export const epochMetricsSchema: z.ZodType<EpochMetrics> = z.object({
  epoch: count,
  trainLoss: z.number(),
  trainAcc: z.number(),
  valLoss: z.number(),
  valAcc: z.number(),
  lr: z.number(),
  seconds: z.number(),
});

export const candidateChoicesSchema: z.ZodType<CandidateChoices> = z.object({
  normal: z.array(choiceDescSchema),
  reduction: z.array(choiceDescSchema),
});

export const inheritanceReportSchema: z.ZodType<InheritanceReport> = z.object({ inherited: count, fresh: count });

export const runStatusSchema = z.enum(['running', 'paused', 'finished', 'stopped', 'imported']);
export type RunStatus = z.infer<typeof runStatusSchema>;
export const runStrategySchema = z.enum(['petridish', 'random']);
export type RunStrategy = z.infer<typeof runStrategySchema>;
export const pointStageSchema = z.enum(['seed_trained', 'search_trained']);

export const inheritanceSchema = z.object({ inherited: count, fresh: count });
export const testSourceSchema = z.enum(['test', 'held-out']);

export const jobSchema: z.ZodType<Job> = z.object({
  id: z.string().min(1),
  // Final trainings are stored as their own records (finalTrainingSchema), never in the search's jobs.
  kind: z.enum(['seed_train', 'search', 'post_train']),
  status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
  desc: modelDescSchema,
  macro: macroTripleSchema,
  parentPointId: z.string().nullable(),
  initWeightsKey: z.string().nullable(),
  attempt: positiveInt,
  batchSizeScale: z.number().positive(),
  error: z.string().nullable(),
  createdAt: z.number(),
  inheritance: inheritanceSchema.optional(),
});

export const poolPointSchema: z.ZodType<PoolPoint> = z.object({
  id: z.string().min(1),
  stage: pointStageSchema,
  parentId: z.string().nullable(),
  jobId: z.string(),
  desc: modelDescSchema,
  macro: macroTripleSchema,
  madd: z.number().nonnegative(),
  params: count,
  error: z.number().min(0).max(1),
  history: z.array(epochMetricsSchema),
  samplingCount: count,
  choices: candidateChoicesSchema.nullable(),
  weightsKey: z.string(),
  createdAt: z.number(),
  inheritance: inheritanceSchema.optional(),
  testAcc: z.number().min(0).max(1).optional(),
  testCount: count.optional(),
  testSource: testSourceSchema.optional(),
});

/** Renders zod issues as `path: message` lines, with paths written the way code would reach the field. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issueLines(issues).join('; ');
}

export function issueLines(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string[] {
  return issues.map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`);
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
