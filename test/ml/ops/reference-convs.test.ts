// dil_conv and FactorizedReduce against reference convolutions written as plain loops over a hand-made input
// (PyTorch semantics, as Archai builds them): they check what the ops compute, not how, so any implementation
// (a dilated depthwise conv, space-to-batch, …) must give these outputs.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { factorizedReduce } from '../../../src/ml/ops/factorized-reduce.ts';
import { buildPrimitive } from '../../../src/ml/ops/primitives.ts';
import { VarStore } from '../../../src/ml/weights/var-store.ts';
import { TEST_BACKENDS, useBackend } from '../backends.ts';

const BN_EPS = 1e-5;
const source = () => { let s = 0.5; return () => (s = (s * 9301 + 49297) % 233280 / 233280); };

/** x[h][w][c] with positive and negative values, so the ReLU in front of each op matters. */
function handInput(h: number, w: number, c: number): number[][][] {
  return Array.from({ length: h }, (_, i) => Array.from({ length: w }, (_, j) => Array.from({ length: c }, (_, ch) =>
    ((i * 7 + j * 3 + ch * 5) % 11) - 4 + 0.25 * ch)));
}

const relu = (v: number) => Math.max(0, v);

/**
 * ReLU → depthwise conv (k×k, dilation d, stride s, zero padding p each side, PyTorch) → 1×1 conv → inference BN
 * with mean 0, var 1: out[i][j][o] = Σ_c pw[c][o] · Σ_{a,b} dw[a][b][c] · relu(x)[i·s − p + d·a][j·s − p + d·b][c].
 */
function dilConvReference(x: number[][][], dw: number[][][], pw: number[][], k: number, d: number, s: number, p: number): number[][][] {
  const h = x.length;
  const w = x[0]!.length;
  const c = x[0]![0]!.length;
  const outH = Math.floor((h + 2 * p - d * (k - 1) - 1) / s) + 1;
  const outW = Math.floor((w + 2 * p - d * (k - 1) - 1) / s) + 1;
  const at = (i: number, j: number, ch: number) => (i >= 0 && i < h && j >= 0 && j < w ? relu(x[i]![j]![ch]!) : 0);
  return Array.from({ length: outH }, (_, i) => Array.from({ length: outW }, (_, j) => {
    const depth = Array.from({ length: c }, (_, ch) => {
      let sum = 0;
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) sum += dw[a]![b]![ch]! * at(i * s - p + d * a, j * s - p + d * b, ch);
      return sum;
    });
    return Array.from({ length: c }, (_, o) => depth.reduce((acc, v, ch) => acc + v * pw[ch]![o]!, 0) / Math.sqrt(1 + BN_EPS));
  }));
}

/** ReLU → [1×1 stride-2 conv of x, 1×1 stride-2 conv of x shifted by one pixel (zero beyond the edge)] → BN. */
function factorizedReduceReference(x: number[][][], w1: number[][], w2: number[][]): number[][][] {
  const h = x.length;
  const w = x[0]!.length;
  const c = x[0]![0]!.length;
  const half = w1[0]!.length;
  const at = (i: number, j: number, ch: number) => (i < h && j < w ? relu(x[i]![j]![ch]!) : 0);
  return Array.from({ length: Math.ceil(h / 2) }, (_, i) => Array.from({ length: Math.ceil(w / 2) }, (_, j) => {
    const path = (wt: number[][], di: number) => Array.from({ length: half }, (_, o) => {
      let sum = 0;
      for (let ch = 0; ch < c; ch++) sum += wt[ch]![o]! * at(2 * i + di, 2 * j + di, ch);
      return sum / Math.sqrt(1 + BN_EPS);
    });
    return [...path(w1, 0), ...path(w2, 1)];
  }));
}

/** The op's variables of one rank-4 shape under `prefix` (whatever they are named). */
function varsOfShape(store: VarStore, prefix: string, shape: number[]): tf.Variable[] {
  return [...store.vars.entries()].filter(([p, v]) => p.startsWith(prefix) && v.shape.join() === shape.join()).map(([, v]) => v);
}

function expectClose(actual: number[][][], expected: number[][][], what: string): void {
  expect([actual.length, actual[0]?.length, actual[0]?.[0]?.length], what).toEqual([expected.length, expected[0]?.length, expected[0]?.[0]?.length]);
  actual.flat(2).forEach((v, i) => expect(v, `${what} [${i}]`).toBeCloseTo(expected.flat(2)[i]!, 4));
}

describe('dil_conv and FactorizedReduce against plain-loop references (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  for (const [op, k] of [['dil_conv_3x3', 3], ['dil_conv_5x5', 5]] as const) {
    for (const stride of [1, 2] as const) {
      for (const size of [8, 7]) {
        it(`${op}, stride ${stride}, ${size}×${size}: a dilation-2 depthwise conv padded ${k - 1} each side, then 1×1`, () => {
          const c = 2;
          const store = new VarStore(source);
          const layer = buildPrimitive(store, `d/${op}`, op, c, stride, true);
          const dw = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => Array.from({ length: c }, (_, ch) => ((a * 5 + b * 3 + ch) % 7) / 7 - 0.4)));
          const pw = [[1, -0.5], [0.25, 2]];
          const [dwVar] = varsOfShape(store, `d/${op}`, [k, k, c, 1]);
          const [pwVar] = varsOfShape(store, `d/${op}`, [1, 1, c, c]);
          dwVar!.assign(tf.tensor4d(dw.flat(2), [k, k, c, 1]));
          pwVar!.assign(tf.tensor4d(pw.flat(), [1, 1, c, c]));
          const x = handInput(size, size, c);
          const y = tf.tidy(() => layer(tf.tensor4d(x.flat(2), [1, size, size, c]), { training: false, updates: [] }));
          const out = (y.arraySync() as number[][][][])[0]!;
          y.dispose();
          expectClose(out, dilConvReference(x, dw, pw, k, 2, stride, k - 1), `${op} s${stride} ${size}`);
          store.dispose();
        });
      }
    }
  }

  for (const size of [8, 7]) {
    it(`FactorizedReduce, ${size}×${size}: the second path reads the input shifted by one pixel`, () => {
      const store = new VarStore(source);
      const fr = factorizedReduce(store, 'fr', 2, 4, true);
      const w1 = [[1, 0.5], [-1, 2]];
      const w2 = [[0.5, -2], [1, 1]];
      const [a, b] = varsOfShape(store, 'fr', [1, 1, 2, 2]);
      a!.assign(tf.tensor4d(w1.flat(), [1, 1, 2, 2]));
      b!.assign(tf.tensor4d(w2.flat(), [1, 1, 2, 2]));
      const x = handInput(size, size, 2);
      const y = tf.tidy(() => fr(tf.tensor4d(x.flat(2), [1, size, size, 2]), { training: false, updates: [] }));
      const out = (y.arraySync() as number[][][][])[0]!;
      y.dispose();
      expectClose(out, factorizedReduceReference(x, w1, w2), `FactorizedReduce ${size}`);
      store.dispose();
    });
  }
});

describe.each(TEST_BACKENDS)('stride-2 pools are padded like the stride-2 convolutions (%s)', (backend) => {
  beforeAll(() => useBackend(backend));
  const mode = { training: false, updates: [] };
  // Read back asynchronously: WebGPU in Node has no synchronous read.
  const run = async (op: 'max_pool_3x3' | 'avg_pool_3x3' | 'dil_conv_3x3' | 'sep_conv_3x3', x: tf.Tensor4D): Promise<number[][]> => {
    const store = new VarStore(source);
    const layer = buildPrimitive(store, `p/${op}`, op, 1, 2, true);
    // Conv branches reduced to their centre tap with weight 1, so their output shows which pixel they centre on.
    for (const v of varsOfShape(store, `p/${op}`, [3, 3, 1, 1])) v.assign(tf.tensor4d([0, 0, 0, 0, 1, 0, 0, 0, 0], [3, 3, 1, 1]));
    for (const v of varsOfShape(store, `p/${op}`, [1, 1, 1, 1])) v.assign(tf.ones([1, 1, 1, 1]));
    const y = tf.tidy(() => layer(x, mode));
    const out = ((await y.array()) as number[][][][])[0]!.map((row) => row.map((px) => px[0]!));
    y.dispose();
    store.dispose();
    return out;
  };

  it('on a 4×4 image: windows are rows/columns {−1, 0, 1} and {1, 2, 3}, worked out by hand', async () => {
    // 1  2  3  4
    // 5  6  7  8
    // 9 10 11 12
    // 13 14 15 16
    const x = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i + 1), [1, 4, 4, 1]);
    expect(await run('max_pool_3x3', x)).toEqual([[6, 8], [14, 16]]);
    // Averages over the in-bounds taps only: (1+2+5+6)/4, (2+3+4+6+7+8)/6, (5+6+9+10+13+14)/6, (6+7+8+10+11+12+14+15+16)/9.
    const avg = await run('avg_pool_3x3', x);
    [[3.5, 5], [9.5, 11]].forEach((row, i) => row.forEach((v, j) => expect(avg[i]![j]).toBeCloseTo(v, 5)));
    x.dispose();
  });

  it('an impulse at an even position reaches the same output pixel through a pool and a conv branch', async () => {
    const impulse = tf.tensor4d(Array.from({ length: 36 }, (_, i) => (i === 2 * 6 + 2 ? 1 : 0)), [1, 6, 6, 1]);
    const at = (m: number[][]) => m.flatMap((row, i) => row.flatMap((v, j) => (Math.abs(v) > 1e-6 ? [[i, j]] : [])));
    expect(at(await run('max_pool_3x3', impulse))).toEqual([[1, 1]]);
    expect(at(await run('avg_pool_3x3', impulse))).toEqual([[1, 1]]);
    expect(at(await run('dil_conv_3x3', impulse))).toEqual([[1, 1]]);
    expect(at(await run('sep_conv_3x3', impulse))).toEqual([[1, 1]]);
    impulse.dispose();
  });
});
