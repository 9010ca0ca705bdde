// Shared plumbing of the repositories: checking records read back (reporting, not throwing, the bad ones)
// and running a write transaction that either lands whole or is aborted with a clear error.

import type { z } from 'zod';
import { describeIssues } from '../../core/export/schema.ts';
import { errorText } from '../database/db.ts';
import { isQuotaError, mapQuotaError } from '../database/quota.ts';
import type { ReadList, ReadOne, RecordProblem } from '../database/records.ts';

export function checkRecord<T>(
  store: string,
  key: IDBValidKey,
  value: unknown,
  schema: z.ZodType<T>,
  problems: RecordProblem[],
): T | null {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  problems.push({ store, key: String(key), message: describeIssues(parsed.error.issues) });
  return null;
}

/** A record refused before it was written, because the check that reads it back would reject it. */
export class UnreadableRecordError extends Error {
  override readonly name = 'UnreadableRecordError';
  constructor(readonly what: string, readonly issues: string) {
    super(`${what} was not saved: it would not read back (${issues})`);
  }
}

/**
 * Checks a record with the schema that reads it back, before it is written: every stored record reads back,
 * so a NaN in a history (or any other bad field) is refused at the write, naming the field, instead of being
 * dropped silently at the next load. Throws UnreadableRecordError.
 */
export function checkWrite<T>(what: string, schema: z.ZodType<T>, value: T): void {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UnreadableRecordError(what, describeIssues(parsed.error.issues));
}

/** Reads a batch (keys and values in the same order) and keeps the valid records; a failed read is a problem too. */
export async function readList<T>(
  store: string,
  schema: z.ZodType<T>,
  read: () => Promise<[IDBValidKey[], unknown[]]>,
): Promise<ReadList<T>> {
  const problems: RecordProblem[] = [];
  const records: T[] = [];
  try {
    const [keys, values] = await read();
    values.forEach((v, i) => {
      const ok = checkRecord(store, keys[i] ?? `#${i}`, v, schema, problems);
      if (ok !== null) records.push(ok);
    });
  } catch (e) {
    problems.push({ store, key: '*', message: `could not read the store: ${errorText(e)}` });
  }
  return { records, problems };
}

export async function readOne<T>(
  store: string,
  key: string,
  schema: z.ZodType<T>,
  read: () => Promise<unknown>,
): Promise<ReadOne<T>> {
  const problems: RecordProblem[] = [];
  try {
    const value = await read();
    if (value === undefined) return { record: null, problems };
    return { record: checkRecord(store, key, value, schema, problems), problems };
  } catch (e) {
    problems.push({ store, key, message: `could not read the record: ${errorText(e)}` });
    return { record: null, problems };
  }
}

export interface WriteTx {
  done: Promise<void>;
  error: DOMException | null;
  abort(): void;
}

/**
 * Runs `body` inside `tx` and waits for the commit. On any failure the transaction is aborted, so none of its
 * writes remain, and a full quota (reported by a request or by the aborted transaction) becomes the clear error.
 */
export async function writeTx<T>(tx: WriteTx, what: string, body: () => Promise<T>): Promise<T> {
  tx.done.catch(() => undefined);
  try {
    const result = await body();
    await tx.done;
    return result;
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // Already aborted or finished.
    }
    const txError = tx.error;
    throw await mapQuotaError(isQuotaError(txError) ? txError : e, what);
  }
}
