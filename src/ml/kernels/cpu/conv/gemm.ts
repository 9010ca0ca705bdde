// The matrix product every fast convolution reduces to: C (+)= A · Bᵀ with A [m, k] and B [n, k] both
// row-major, so that every inner loop is a contiguous dot product over k. Blocked 2 rows × 2 columns: four
// float64 running sums per block, each A and B element loaded once per block. Sums run over k in order.

/**
 * out[r·n + j] += Σ_kk a[aOff + r·k + kk] · b[j·k + kk] for r < m, j < n.
 * @param a rows of length k starting at aOff; b: n rows of length k; out: m × n, accumulated into.
 */
export function gemmNT(a: Float32Array, aOff: number, m: number, k: number, b: Float32Array, n: number, out: Float64Array, outOff = 0): void {
  let r = 0;
  for (; r + 1 < m; r += 2) {
    const a0 = aOff + r * k;
    const a1 = a0 + k;
    const o0 = outOff + r * n;
    const o1 = o0 + n;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const b0 = j * k;
      const b1 = b0 + k;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let kk = 0; kk < k; kk++) {
        const x0 = a[a0 + kk]!;
        const x1 = a[a1 + kk]!;
        const y0 = b[b0 + kk]!;
        const y1 = b[b1 + kk]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      out[o0 + j]! += s00;
      out[o0 + j + 1]! += s01;
      out[o1 + j]! += s10;
      out[o1 + j + 1]! += s11;
    }
    if (j < n) {
      const b0 = j * k;
      let s0 = 0;
      let s1 = 0;
      for (let kk = 0; kk < k; kk++) {
        const y = b[b0 + kk]!;
        s0 += a[a0 + kk]! * y;
        s1 += a[a1 + kk]! * y;
      }
      out[o0 + j]! += s0;
      out[o1 + j]! += s1;
    }
  }
  if (r < m) {
    const a0 = aOff + r * k;
    const o0 = outOff + r * n;
    for (let j = 0; j < n; j++) {
      const b0 = j * k;
      let s = 0;
      for (let kk = 0; kk < k; kk++) s += a[a0 + kk]! * b[b0 + kk]!;
      out[o0 + j]! += s;
    }
  }
}

/** The [rows, cols] row-major matrix at `off` in `src`, transposed into a new [cols, rows] array. */
export function transposed(src: Float32Array, off: number, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const s = off + r * cols;
    for (let c = 0; c < cols; c++) t[c * rows + r] = src[s + c]!;
  }
  return t;
}
