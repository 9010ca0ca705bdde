// The pool as CSV (one row per point with its hull and ε-band flags), for spreadsheets and plotting tools.

import type { PoolPoint } from '../search-types.ts';
import type { FrontierExport } from './format.ts';

/** The pool fields the CSV shows; both pool points and exported points have them. */
export type CsvPoint = Pick<
  PoolPoint,
  'id' | 'parentId' | 'jobId' | 'stage' | 'macro' | 'madd' | 'params' | 'error' | 'history' | 'samplingCount' | 'createdAt'
> & {
  /** Accuracy on the run's test examples and their number; null or absent when not measured. */
  testAcc?: number | null;
  testCount?: number | null;
};

const CSV_COLUMNS = [
  'id',
  'parent_id',
  'job_id',
  'stage',
  'cells',
  'reductions',
  'nodes',
  'madd',
  'params',
  'error',
  'test_acc',
  'test_count',
  'epochs',
  'sampling_count',
  'on_hull',
  'in_eps_band',
  'created_at',
] as const;

/**
 * RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. A number is written
 * with at most 12 significant digits, so that floating-point noise such as 1 − 0.69 = 0.31000000000000005
 * reads 0.31 in a spreadsheet (an error measured on at most millions of examples needs far fewer digits).
 */
export function csvField(value: string | number | boolean | null): string {
  const text = value === null ? '' : typeof value === 'number' && Number.isFinite(value) ? String(Number(value.toPrecision(12))) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row per pool point (CRLF line ends, header first); hull and band flags come from the id lists. */
export function poolToCsv(
  points: readonly CsvPoint[],
  membership: { hull: readonly string[]; epsBand: readonly string[] },
): string {
  const hull = new Set(membership.hull);
  const band = new Set(membership.epsBand);
  const rows = points.map((p) =>
    [
      p.id,
      p.parentId,
      p.jobId,
      p.stage,
      p.macro.cells,
      p.macro.reductions,
      p.macro.nodes,
      p.madd,
      p.params,
      p.error,
      p.testAcc ?? null,
      p.testCount ?? null,
      p.history.length,
      p.samplingCount,
      hull.has(p.id),
      band.has(p.id),
      new Date(p.createdAt).toISOString(),
    ]
      .map(csvField)
      .join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

export function frontierToCsv(exp: FrontierExport): string {
  return poolToCsv(exp.points, exp);
}
