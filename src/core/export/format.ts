// The frontier export (versioned JSON, documented in docs/export-format.md) and the pool as CSV: building
// them from a run's pool, and checking an imported file with errors that name the bad field.

import { z } from 'zod';
import { bestModels } from '../pareto/best.ts';
import { epsBand, lowerConvexHull } from '../pareto/hull.ts';
import type { PoolPoint } from '../search-types.ts';
import type { SearchPreset } from '../training/training-config.ts';
import type { DatasetSummary } from '../../data/dataset.ts';
import {
  candidateChoicesSchema,
  datasetSummarySchema,
  inheritanceSchema,
  issueLines,
  epochMetricsSchema,
  macroTripleSchema,
  modelDescSchema,
  pointStageSchema,
  runStatusSchema,
  runStrategySchema,
  searchPresetSchema,
  testSourceSchema,
  type RunStatus,
  type RunStrategy,
} from './schema.ts';
import { checkFrontierConsistency } from './checks.ts';

export { csvField, frontierToCsv, poolToCsv, type CsvPoint } from './csv.ts';

/** 2: points carry testAcc, testCount and testSource, the preset testExamples. Version 1 files still read. */
export const FRONTIER_SCHEMA_VERSION = 2;
export const FRONTIER_FORMAT = 'petridish-frontier';

const frontierPointSchema = z.object({
  id: z.string().min(1),
  parentId: z.string().min(1).nullable(),
  jobId: z.string(),
  stage: pointStageSchema,
  macro: macroTripleSchema,
  desc: modelDescSchema,
  madd: z.number().nonnegative(),
  params: z.number().int().nonnegative(),
  error: z.number().min(0).max(1),
  history: z.array(epochMetricsSchema),
  choices: candidateChoicesSchema.nullable(),
  samplingCount: z.number().int().nonnegative(),
  createdAt: z.number(),
  inheritance: inheritanceSchema.nullable().optional(),
  // null when not measured (points from before test accuracy existed); absent in version 1 files.
  testAcc: z.number().min(0).max(1).nullable().optional(),
  testCount: z.number().int().nonnegative().nullable().optional(),
  testSource: testSourceSchema.nullable().optional(),
  onHull: z.boolean(),
  inEpsBand: z.boolean(),
});

export const frontierExportSchema = z.object({
  format: z.literal(FRONTIER_FORMAT),
  schemaVersion: z.union([z.literal(1), z.literal(FRONTIER_SCHEMA_VERSION)]),
  exportedAt: z.iso.datetime(),
  appVersion: z.string(),
  run: z.object({
    id: z.string().min(1),
    name: z.string(),
    createdAt: z.number(),
    status: runStatusSchema,
    strategy: runStrategySchema,
    budgetMadd: z.number().positive().nullable(),
    workers: z.number().int().positive(),
    preset: searchPresetSchema,
  }),
  dataset: datasetSummarySchema,
  points: z.array(frontierPointSchema),
  hull: z.array(z.string()),
  epsBand: z.array(z.string()),
  best: z.object({ lowestError: z.string().nullable(), lowestErrorUnderBudget: z.string().nullable() }),
});

export type FrontierExport = z.infer<typeof frontierExportSchema>;
export type FrontierPoint = z.infer<typeof frontierPointSchema>;

/** What the export needs of a run (the persisted run record has all of it). */
export interface FrontierRunInfo {
  id: string;
  name: string;
  createdAt: number;
  status: RunStatus;
  strategy: RunStrategy;
  preset: SearchPreset;
  dataset: DatasetSummary;
  budgetMadd: number | null;
  workers: number;
}

export interface FrontierInput {
  run: FrontierRunInfo;
  points: readonly PoolPoint[];
  /** Milliseconds since the epoch; injected so the export is reproducible. */
  exportedAt: number;
  appVersion: string;
}

/** Hull and ε-band (x = MAdd, y = error, relative ε from the preset) as id lists in x order. */
export function frontierMembership(points: readonly PoolPoint[], eps: number): { hull: string[]; epsBand: string[] } {
  const xy = points.map((p) => ({ x: p.madd, y: p.error }));
  const hull = lowerConvexHull(xy);
  const band = epsBand(xy, hull, eps);
  const id = (i: number): string => (points[i] as PoolPoint).id;
  return { hull: hull.map(id), epsBand: band.map(id) };
}

function exportPoint(p: PoolPoint, hull: ReadonlySet<string>, band: ReadonlySet<string>): FrontierPoint {
  return {
    id: p.id,
    parentId: p.parentId,
    jobId: p.jobId,
    stage: p.stage,
    macro: p.macro,
    desc: p.desc,
    madd: p.madd,
    params: p.params,
    error: p.error,
    history: p.history,
    choices: p.choices,
    samplingCount: p.samplingCount,
    createdAt: p.createdAt,
    inheritance: p.inheritance ?? null,
    testAcc: p.testAcc ?? null,
    testCount: p.testCount ?? null,
    testSource: p.testSource ?? null,
    onHull: hull.has(p.id),
    inEpsBand: band.has(p.id),
  };
}

/**
 * The frontier export of a run's pool (points oldest first, hull and ε-band with the preset's ε, best models).
 * Every file the app writes imports: the result is checked exactly as parseFrontierExport checks a file read
 * back from its JSON text, and a FrontierFormatError naming each bad field is thrown instead of returning an
 * export that would be refused.
 */
export function buildFrontierExport(input: FrontierInput): FrontierExport {
  const exp = assembleFrontierExport(input);
  try {
    parseFrontierExport(JSON.stringify(exp));
  } catch (e) {
    if (!(e instanceof FrontierFormatError)) throw e;
    throw new FrontierFormatError(e.problems, `The export of run "${input.run.name}" would not import, so it was not written`);
  }
  return exp;
}

function assembleFrontierExport({ run, points, exportedAt, appVersion }: FrontierInput): FrontierExport {
  const ordered = [...points].sort((a, b) => a.createdAt - b.createdAt);
  const { hull, epsBand: band } = frontierMembership(ordered, run.preset.eps);
  const hullSet = new Set(hull);
  const bandSet = new Set(band);
  const best = bestModels(ordered, run.budgetMadd);
  return {
    format: FRONTIER_FORMAT,
    schemaVersion: FRONTIER_SCHEMA_VERSION,
    exportedAt: new Date(exportedAt).toISOString(),
    appVersion,
    run: {
      id: run.id,
      name: run.name,
      createdAt: run.createdAt,
      status: run.status,
      strategy: run.strategy,
      budgetMadd: run.budgetMadd,
      workers: run.workers,
      preset: run.preset,
    },
    dataset: run.dataset,
    points: ordered.map((p) => exportPoint(p, hullSet, bandSet)),
    hull,
    epsBand: band,
    best: { lowestError: best.lowestError?.id ?? null, lowestErrorUnderBudget: best.lowestErrorUnderBudget?.id ?? null },
  };
}

export class FrontierFormatError extends Error {
  override readonly name = 'FrontierFormatError';
  constructor(readonly problems: string[], what = 'Not a valid frontier export') {
    super(`${what}: ${problems.join('; ')}`);
  }
}

function checkVersion(json: unknown): void {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new FrontierFormatError([`(root): expected a JSON object, got ${Array.isArray(json) ? 'an array' : typeof json}`]);
  }
  const { format, schemaVersion } = json as { format?: unknown; schemaVersion?: unknown };
  if (format !== FRONTIER_FORMAT) {
    throw new FrontierFormatError([`format: expected "${FRONTIER_FORMAT}", got ${JSON.stringify(format) ?? 'nothing'}`]);
  }
  if (typeof schemaVersion === 'number' && schemaVersion > FRONTIER_SCHEMA_VERSION) {
    throw new FrontierFormatError([
      `schemaVersion: ${schemaVersion} is newer than this app reads (${FRONTIER_SCHEMA_VERSION}); update the app`,
    ]);
  }
}

/**
 * Checks an imported file (its text or its parsed JSON) field by field, then for consistency (ids, hull and
 * band flags, descriptions); throws a FrontierFormatError naming every bad field path.
 */
export function parseFrontierExport(json: unknown): FrontierExport {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new FrontierFormatError([`(root): not JSON (${e instanceof Error ? e.message : String(e)})`]);
    }
  }
  checkVersion(value);
  const parsed = frontierExportSchema.safeParse(value);
  if (!parsed.success) throw new FrontierFormatError(issueLines(parsed.error.issues));
  const problems = checkFrontierConsistency(parsed.data);
  if (problems.length > 0) throw new FrontierFormatError(problems);
  return parsed.data;
}

