// The error a bad model description raises, and small readers that check one JSON value and name its path.

export class DescError extends Error {
  /** Dotted field path of the bad value, e.g. `cells.normal.nodes[2].edges[0].input`. */
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'DescError';
    this.path = path;
  }
}

export type Json = Record<string, unknown>;

/** A short, safe rendering of any value for an error message. */
export function show(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  if (x === null || typeof x !== 'object') return String(x);
  return Array.isArray(x) ? `an array of ${x.length}` : 'an object';
}

export function readObject(x: unknown, path: string): Json {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) {
    throw new DescError(path, `${show(x)} is not an object`);
  }
  return x as Json;
}

export function readArray(x: unknown, path: string, min: number, max: number): unknown[] {
  if (!Array.isArray(x)) throw new DescError(path, `${show(x)} is not an array`);
  if (x.length < min || x.length > max) {
    throw new DescError(path, `has ${x.length} entries, expected ${min}..${max}`);
  }
  return x;
}

export function readInt(x: unknown, path: string, min: number, max: number): number {
  if (typeof x !== 'number' || !Number.isInteger(x)) throw new DescError(path, `${show(x)} is not an integer`);
  if (x < min || x > max) throw new DescError(path, `${x} is out of range ${min}..${max}`);
  return x;
}

export function readFinite(x: unknown, path: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new DescError(path, `${show(x)} is not a finite number`);
  return x;
}

export function readOneOf<T extends string | number>(x: unknown, path: string, values: readonly T[]): T {
  if (!values.includes(x as T)) {
    throw new DescError(path, `${show(x)} is not one of ${values.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  return x as T;
}
