// The one error type every dataset parser, loader and validator throws, so the UI can show its message as is.

export class DatasetError extends Error {
  /** The file (or dataset) the problem was found in. */
  readonly file: string;
  /** What is wrong, without the file name. */
  readonly problem: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
    this.name = 'DatasetError';
    this.file = file;
    this.problem = problem;
  }
}

/** Runs `fn` and turns any non-DatasetError it throws into a DatasetError naming `file`. */
export function asDatasetError<T>(file: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new DatasetError(file, `${what}: ${detail}`, { cause: e });
  }
}
