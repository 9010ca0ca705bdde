// Broadcast geometry for elementwise and reduction kernels: shapes collapsed to the fewest dimensions that
// keep each operand's access pattern, so that the inner loop runs over a contiguous (or constant) run.

/**
 * Collapses `out` (the result shape) with operand shapes already right-aligned to its rank (1 where an
 * operand is broadcast) into runs of adjacent dimensions along which every operand is either full or
 * broadcast throughout. Returns the collapsed sizes and, per operand, its element stride in each collapsed
 * dimension (0 where broadcast).
 */
export function collapse(out: number[], operands: number[][]): { sizes: number[]; strides: number[][] } {
  const sizes: number[] = [];
  const full: boolean[][] = [];
  for (let d = 0; d < out.length; d++) {
    const n = out[d]!;
    if (n === 1) continue;
    const f = operands.map((s) => s[d] !== 1);
    const last = full.length - 1;
    if (last >= 0 && f.every((v, i) => v === full[last]![i])) {
      sizes[last]! *= n;
    } else {
      sizes.push(n);
      full.push(f);
    }
  }
  const strides = operands.map((_, i) => {
    const st = new Array<number>(sizes.length).fill(0);
    let acc = 1;
    for (let d = sizes.length - 1; d >= 0; d--) {
      if (full[d]![i]) {
        st[d] = acc;
        acc *= sizes[d]!;
      }
    }
    return st;
  });
  return { sizes, strides };
}

/** `shape` right-aligned to `rank` with leading 1s. */
export function alignRank(shape: number[], rank: number): number[] {
  return [...new Array<number>(rank - shape.length).fill(1), ...shape];
}
