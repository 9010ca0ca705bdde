// Float32 elementwise binary kernels with broadcasting (Add, Sub, Multiply, RealDiv) for the cpu backend. The
// stock kernels compute every broadcast element's operand indices through indexToLoc/locToIndex with array
// allocations; here the shapes are collapsed (strided.ts) and the inner loop runs with constant strides.
// Each element is the same double-precision operation rounded to float32 as in the stock kernel, so the
// results are identical. Other dtypes go to the stock kernel.

import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import { floatValues, type FastKernel } from '../cpu-kernel.ts';
import { alignRank, collapse } from './strided.ts';

type Op = 'add' | 'sub' | 'mul' | 'div';

/** out[i] = a[ia] op b[ib] over the collapsed broadcast, innermost dimension with strides sa, sb. */
function run(op: Op, a: Float32Array, b: Float32Array, out: Float32Array, sizes: number[], aSt: number[], bSt: number[]): void {
  const rank = sizes.length;
  if (rank === 0) {
    out[0] = apply(op, a[0]!, b[0]!);
    return;
  }
  const inner = sizes[rank - 1]!;
  const sa = aSt[rank - 1]!;
  const sb = bSt[rank - 1]!;
  const outer = out.length / inner;
  const idx = new Array<number>(rank - 1).fill(0);
  let ia = 0;
  let ib = 0;
  for (let row = 0, o = 0; row < outer; row++) {
    switch (op) {
      case 'add': for (let k = 0; k < inner; k++) out[o++] = a[ia + k * sa]! + b[ib + k * sb]!; break;
      case 'sub': for (let k = 0; k < inner; k++) out[o++] = a[ia + k * sa]! - b[ib + k * sb]!; break;
      case 'mul': for (let k = 0; k < inner; k++) out[o++] = a[ia + k * sa]! * b[ib + k * sb]!; break;
      case 'div': for (let k = 0; k < inner; k++) out[o++] = a[ia + k * sa]! / b[ib + k * sb]!; break;
    }
    // Odometer over the outer dimensions.
    for (let d = rank - 2; d >= 0; d--) {
      ia += aSt[d]!;
      ib += bSt[d]!;
      if (++idx[d]! < sizes[d]!) break;
      ia -= aSt[d]! * sizes[d]!;
      ib -= bSt[d]! * sizes[d]!;
      idx[d] = 0;
    }
  }
}

function apply(op: Op, x: number, y: number): number {
  switch (op) {
    case 'add': return x + y;
    case 'sub': return x - y;
    case 'mul': return x * y;
    case 'div': return x / y;
  }
}

function binary(op: Op): FastKernel {
  return (args, stock) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const av = floatValues(args.backend, a);
    const bv = floatValues(args.backend, b);
    if (!av || !bv) return stock(args);
    const shape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const { sizes, strides } = collapse(shape, [alignRank(a.shape, shape.length), alignRank(b.shape, shape.length)]);
    const out = new Float32Array(shape.reduce((p, n) => p * n, 1));
    if (out.length > 0) run(op, av, bv, out, sizes, strides[0]!, strides[1]!);
    return args.backend.makeTensorInfo(shape, 'float32', out);
  };
}

export const add = binary('add');
export const sub = binary('sub');
export const multiply = binary('mul');
export const realDiv = binary('div');
