// A small seeded PRNG (sfc32) whose whole state is four numbers, so a run can be persisted and resumed
// bit-for-bit, plus a stable hash that gives every job and cell its own independent stream.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Standard normal (Box–Muller) scaled to mean/std; consumes exactly two draws so state stays simple. */
  normal(mean?: number, std?: number): number;
  pick<T>(xs: readonly T[]): T;
  /** Fisher–Yates, in place; returns the same array. */
  shuffle<T>(xs: T[]): T[];
  /** The four 32-bit words of the generator; `createRngFromState` continues the exact same sequence. */
  state(): number[];
}

const TWO_POW_32 = 4294967296;

/** MurmurHash3's finaliser: a cheap full-avalanche mix of one 32-bit word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Stable 32-bit hash of a string (FNV-1a over UTF-16 code units, then avalanche). */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/**
 * A stable seed for a sub-stream, e.g. `deriveSeed(run.seed, 'seed', r, c, n)`. Labels are typed in the hash
 * so that `('1')` and `(1)` give different streams; the result is a uint32 and the same on every platform.
 */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  if (!Number.isFinite(seed)) throw new RangeError(`deriveSeed: seed must be a finite number, got ${seed}`);
  const parts = [`#${seed}`, ...labels.map((l) => (typeof l === 'number' ? `n${l}` : `s${l}`))];
  return hashString(parts.join('\u0001'));
}

function toSeedWord(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`createRng: seed must be a finite number, got ${seed}`);
  // Non-integer or out-of-range seeds are hashed rather than truncated, so 2 and 2.5 differ.
  return Number.isInteger(seed) && seed >= 0 && seed < TWO_POW_32 ? seed : deriveSeed(seed);
}

function fromWords(words: readonly [number, number, number, number]): Rng {
  let [a, b, c, d] = words;
  const nextWord = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  const next = (): number => nextWord() / TWO_POW_32;
  const int = (n: number): number => {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(next() * n);
  };
  return {
    next,
    int,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    normal: (mean = 0, std = 1) => {
      const u1 = 1 - next();
      const u2 = next();
      return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
    pick: <T>(xs: readonly T[]): T => {
      if (xs.length === 0) throw new RangeError('rng.pick: cannot pick from an empty list');
      return xs[int(xs.length)] as T;
    },
    shuffle: <T>(xs: T[]): T[] => {
      for (let i = xs.length - 1; i > 0; i--) {
        const j = int(i + 1);
        const tmp = xs[i] as T;
        xs[i] = xs[j] as T;
        xs[j] = tmp;
      }
      return xs;
    },
    state: () => [a >>> 0, b >>> 0, c >>> 0, d >>> 0],
  };
}

/** A generator seeded through splitmix32, warmed up so that nearby seeds give unrelated sequences. */
export function createRng(seed: number): Rng {
  let s = toSeedWord(seed);
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) | 0;
    return fmix32(s);
  };
  const rng = fromWords([splitmix(), splitmix(), splitmix(), splitmix()]);
  for (let i = 0; i < 12; i++) rng.next();
  return rng;
}

/** Continues the sequence of the generator whose `state()` this is. */
export function createRngFromState(state: readonly number[]): Rng {
  if (state.length !== 4 || !state.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32)) {
    throw new RangeError(`createRngFromState: expected four uint32 words, got [${state.join(', ')}]`);
  }
  return fromWords([state[0] as number, state[1] as number, state[2] as number, state[3] as number]);
}
