// Seeded, stratified index selection on a split: a per-class subset and the shuffle it and the run's split
// (splits/run-split.ts) are built on (pure; they return index arrays and never copy pixels).

/** The randomness the selection needs: `next()` uniform in [0, 1). The core's seeded Rng satisfies it. */
export interface UnitRandom {
  next(): number;
}

/** One phase's training and validation examples (indices into the training split). */
export interface SplitIndices {
  /** Ascending. */
  train: Int32Array;
  /** Shuffled across classes, so that any prefix is itself a random (roughly stratified) sample. */
  val: Int32Array;
}

/** In-place Fisher–Yates shuffle. */
export function shuffleInPlace(a: Int32Array, rng: UnitRandom): Int32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = a[i] as number;
    a[i] = a[j] as number;
    a[j] = t;
  }
  return a;
}

function byClass(labels: Uint8Array, numClasses: number, indices: ArrayLike<number>): number[][] {
  const groups: number[][] = Array.from({ length: numClasses }, () => []);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    if (!Number.isInteger(i) || i < 0 || i >= labels.length) {
      throw new Error(`index ${i} at position ${k} is out of range [0, ${labels.length})`);
    }
    const y = labels[i] as number;
    const g = groups[y];
    if (g === undefined) throw new Error(`labels[${i}] = ${y} is not a class index in [0, ${numClasses})`);
    g.push(i);
  }
  return groups;
}

function allIndices(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** At most `perClass` random examples of every class (from `indices`, default all), ascending. */
export function subsetPerClass(
  labels: Uint8Array,
  numClasses: number,
  perClass: number,
  rng: UnitRandom,
  indices: ArrayLike<number> = allIndices(labels.length),
): Int32Array {
  if (!Number.isInteger(perClass) || perClass < 1) throw new Error(`examplesPerClass must be an integer ≥ 1, got ${perClass}`);
  const picked: number[] = [];
  for (const group of byClass(labels, numClasses, indices)) {
    const g = shuffleInPlace(Int32Array.from(group), rng);
    picked.push(...g.subarray(0, Math.min(perClass, g.length)));
  }
  return Int32Array.from(picked).sort();
}
