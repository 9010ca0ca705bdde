// A finished architecture with its trained weights as an ONNX model (opset 13), built in the page: the
// forward mirrors src/ml/model/network.ts in inference mode, op for op, with PyTorch's symmetric padding where the
// network pads explicitly and TF's 'same' padding (more at the bottom/right) where it uses 'same'.

import type { ModelDesc, NodeDesc, PrimitiveName, Stride } from '../../core/space/model-desc.ts';
import { cellPlans, downsampleOf, inputLabel, stemPlan, type CellPlan } from '../../core/space/shapes.ts';
import type { NamedWeights } from '../../core/weights.ts';
import type { ChannelStats } from '../../data/normalize.ts';
import { BN_EPS } from '../ops/batch-norm.ts';
import { OnnxGraph, float, int, ints } from './graph.ts';
import { WeightLookup } from '../export/weight-lookup.ts';

export interface OnnxExportOptions {
  /** Bakes (x/255 − mean)/std in, so the model takes raw 0–255 pixels (input "pixels"; else "input"). */
  normalization?: ChannelStats;
}

/** A value of the graph: its name, channels and spatial size (NCHW inside the graph). */
interface Val {
  name: string;
  c: number;
  h: number;
  w: number;
}

/** Mirrors normalizeImages: a constant channel is only centred. */
const MIN_STD = 1e-6;

/** TF's 'same' padding of one axis: the output is ceil(n/s), the extra row goes at the end. */
function samePads(n: number, k: number, s: number): [number, number] {
  const total = Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Output size of a conv/pool over n with pads p0 + p1, kernel k, dilation d, stride s. */
function outSize(n: number, p0: number, p1: number, k: number, d: number, s: number): number {
  return Math.floor((n + p0 + p1 - d * (k - 1) - 1) / s) + 1;
}

/** [kh, kw, in, out] (TF.js) → [out, in, kh, kw] (ONNX). */
function toOihw(v: Float32Array, [kh, kw, ci, co]: [number, number, number, number]): Float32Array {
  const out = new Float32Array(v.length);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let a = 0; a < ci; a++) {
        for (let b = 0; b < co; b++) out[((b * ci + a) * kh + i) * kw + j] = v[((i * kw + j) * ci + a) * co + b] ?? 0;
      }
    }
  }
  return out;
}

class Builder extends WeightLookup {
  readonly g = new OnnxGraph();

  constructor(weights: NamedWeights) {
    super(weights, 'exportOnnx');
  }

  relu(x: Val, name: string): Val {
    return { ...x, name: this.g.node('Relu', [x.name], `${name}/relu`) };
  }

  relu6(x: Val, name: string): Val {
    const lo = this.g.constant(`${name}/relu6_min`, new Float32Array([0]), []);
    const hi = this.g.constant(`${name}/relu6_max`, new Float32Array([6]), []);
    return { ...x, name: this.g.node('Clip', [x.name, lo, hi], `${name}/relu6`) };
  }

  /**
   * Conv with the TF.js filter at `path` ([k, k, in, out], or [k, k, C, 1] when depthwise), explicit pads
   * [top, left, bottom, right], optional bias at `bias`.
   */
  conv(
    x: Val, path: string, k: number, cOut: number, stride: Stride,
    pads: [number, number, number, number], opts: { depthwise?: boolean; dilation?: number; bias?: string } = {},
  ): Val {
    const d = opts.dilation ?? 1;
    const shape: [number, number, number, number] = opts.depthwise ? [k, k, x.c, 1] : [k, k, x.c, cOut];
    const w = this.g.constant(`${path}/W`, toOihw(this.values(path, shape), shape), opts.depthwise ? [x.c, 1, k, k] : [cOut, x.c, k, k]);
    const inputs = [x.name, w];
    if (opts.bias) inputs.push(this.g.constant(`${opts.bias}/B`, this.values(opts.bias, [cOut]), [cOut]));
    const name = this.g.node('Conv', inputs, `${path}/out`, {
      kernel_shape: ints([k, k]), strides: ints([stride, stride]), pads: ints(pads), dilations: ints([d, d]),
      group: int(opts.depthwise ? x.c : 1),
    });
    return {
      name, c: cOut,
      h: outSize(x.h, pads[0], pads[2], k, d, stride),
      w: outSize(x.w, pads[1], pads[3], k, d, stride),
    };
  }

  /** tf.conv2d(x, w, stride, 'same'). */
  convSame(x: Val, path: string, k: number, cOut: number, stride: Stride, bias?: string): Val {
    const [t, b] = samePads(x.h, k, stride);
    const [l, r] = samePads(x.w, k, stride);
    return this.conv(x, path, k, cOut, stride, [t, l, b, r], bias ? { bias } : {});
  }

  /** Inference batch norm; without gamma/beta (non-affine) the scale is 1 and the offset 0. */
  batchNorm(x: Val, path: string): Val {
    const affine = this.has(`${path}/gamma`);
    const c = x.c;
    const scale = affine ? this.values(`${path}/gamma`, [c]) : new Float32Array(c).fill(1);
    const offset = affine ? this.values(`${path}/beta`, [c]) : new Float32Array(c);
    const inputs = [
      x.name,
      this.g.constant(`${path}/scale`, scale, [c]),
      this.g.constant(`${path}/offset`, offset, [c]),
      this.g.constant(`${path}/mean`, this.values(`${path}/mean`, [c]), [c]),
      this.g.constant(`${path}/var`, this.values(`${path}/var`, [c]), [c]),
    ];
    return { ...x, name: this.g.node('BatchNormalization', inputs, `${path}/out`, { epsilon: float(BN_EPS) }) };
  }

  reluConvBn(x: Val, path: string, cOut: number): Val {
    return this.batchNorm(this.convSame(this.relu(x, path), `${path}/conv`, 1, cOut, 1), `${path}/bn`);
  }

  /** FactorizedReduce: 1×1 stride-2 convs of ReLU(x) and of ReLU(x) shifted by one pixel (zero row/column at the end). */
  factorizedReduce(x: Val, path: string, cOut: number): Val {
    const r = this.relu(x, path);
    const a = this.conv(r, `${path}/conv1`, 1, cOut / 2, 2, [0, 0, 0, 0]);
    const big = Number.MAX_SAFE_INTEGER;
    const shifted = this.g.node('Slice', [
      r.name, this.g.int64s(`${path}/shift_starts`, [1, 1]), this.g.int64s(`${path}/shift_ends`, [big, big]),
      this.g.int64s(`${path}/shift_axes`, [2, 3]),
    ], `${path}/shift`);
    const b = this.conv({ name: shifted, c: r.c, h: r.h - 1, w: r.w - 1 }, `${path}/conv2`, 1, cOut / 2, 2, [0, 0, 1, 1]);
    const cat = this.g.node('Concat', [a.name, b.name], `${path}/concat`, { axis: int(1) });
    return this.batchNorm({ ...a, name: cat, c: cOut }, `${path}/bn`);
  }

  /** ReLU → depthwise k×k (pad (k−1)·d/2 each side, dilation d) → conv 1×1 → BN. */
  dilConv(x: Val, path: string, k: number, stride: Stride, dilation: number, suffix = ''): Val {
    const p = ((k - 1) * dilation) / 2;
    const r = this.relu(x, `${path}/dw${suffix}`);
    const dw = this.conv(r, `${path}/dw${suffix}`, k, x.c, stride, [p, p, p, p], { depthwise: true, dilation });
    return this.batchNorm(this.convSame(dw, `${path}/pw${suffix}`, 1, x.c, 1), `${path}/bn${suffix}`);
  }

  mbConv(x: Val, path: string, r: number, stride: Stride): Val {
    const bias = (p: string): string | undefined => (this.has(`${p}/bias`) ? `${p}/bias` : undefined);
    let y = this.relu6(this.convSame(x, `${path}/expand`, 1, x.c * r, 1, bias(`${path}/expand`)), `${path}/expand`);
    const dwBias = bias(`${path}/dw`);
    y = this.conv(y, `${path}/dw`, 3, y.c, stride, [1, 1, 1, 1], { depthwise: true, ...(dwBias ? { bias: dwBias } : {}) });
    y = this.relu6(y, `${path}/dw`);
    return this.batchNorm(this.convSame(y, `${path}/project`, 1, x.c, 1, bias(`${path}/project`)), `${path}/bn`);
  }

  /** The 3×3 pools with padding 1 on every side, as the network's (PyTorch's) pools. */
  pool(x: Val, path: string, op: 'MaxPool' | 'AveragePool', stride: Stride): Val {
    // count_include_pad = 0 (the default): the average divides by the in-bounds taps.
    const name = this.g.node(op, [x.name], `${path}/out`, { kernel_shape: ints([3, 3]), strides: ints([stride, stride]), pads: ints([1, 1, 1, 1]) });
    return { name, c: x.c, h: Math.ceil(x.h / stride), w: Math.ceil(x.w / stride) };
  }

  /** Exact zeros of the op's output shape: x times 0 through a strided 1×1 depthwise conv with a zero filter. */
  zeros(x: Val, path: string, stride: Stride): Val {
    const w = this.g.constant(`${path}/zero_W`, new Float32Array(x.c), [x.c, 1, 1, 1]);
    const name = this.g.node('Conv', [x.name, w], `${path}/out`, {
      kernel_shape: ints([1, 1]), strides: ints([stride, stride]), pads: ints([0, 0, 0, 0]), group: int(x.c),
    });
    return { name, c: x.c, h: Math.ceil(x.h / stride), w: Math.ceil(x.w / stride) };
  }

  primitive(x: Val, path: string, op: PrimitiveName, stride: Stride): Val {
    switch (op) {
      case 'max_pool_3x3': return this.pool(x, path, 'MaxPool', stride);
      case 'avg_pool_3x3': return this.pool(x, path, 'AveragePool', stride);
      case 'skip_connect': return stride === 1 ? x : this.factorizedReduce(x, path, x.c);
      case 'sep_conv_3x3':
      case 'sep_conv_5x5': {
        const k = op === 'sep_conv_3x3' ? 3 : 5;
        return this.dilConv(this.dilConv(x, path, k, stride, 1, '1'), path, k, 1, 1, '2');
      }
      case 'dil_conv_3x3': return this.dilConv(x, path, 3, stride, 2);
      case 'dil_conv_5x5': return this.dilConv(x, path, 5, stride, 2);
      case 'mbconv_r1': return this.mbConv(x, path, 1, stride);
      case 'mbconv_r2': return this.mbConv(x, path, 2, stride);
      case 'mbconv_r3': return this.mbConv(x, path, 3, stride);
      case 'none': return this.zeros(x, path, stride);
      default: {
        const unknown: never = op;
        throw new Error(`exportOnnx: unknown primitive "${String(unknown)}" at "${path}"`);
      }
    }
  }

  concat(xs: Val[], path: string): Val {
    const first = xs[0];
    if (!first) throw new Error(`exportOnnx: ${path} concatenates nothing`);
    if (xs.length === 1) return first;
    const name = this.g.node('Concat', xs.map((x) => x.name), `${path}/concat`, { axis: int(1) });
    return { ...first, name, c: xs.reduce((n, x) => n + x.c, 0) };
  }
}

function state(states: Val[], id: number, where: string): Val {
  const s = states[id];
  if (!s) throw new Error(`exportOnnx: ${where} reads state ${id}, but only ${states.length} states exist`);
  return s;
}

function buildNode(b: Builder, plan: CellPlan, node: NodeDesc, states: Val[]): Val {
  const where = `cell${plan.index}/${node.id}`;
  if (node.kind === 'candidate') throw new Error(`exportOnnx: ${where} is a candidate; only finished models (sum and multi nodes) can be exported`);
  if (node.kind === 'sum') {
    // Archai's degenerate edgeless node passes the last state through.
    if (node.edges.length === 0) return state(states, states.length - 1, where);
    const live = node.edges.flatMap((e, j) => (e.op === 'none' ? [] : [{ e, j }]));
    if (live.length === 0) {
      const e = node.edges[0];
      if (!e) throw new Error(`exportOnnx: ${where} has no edges`);
      return b.zeros(state(states, e.input, where), `${where}/e0/none`, e.stride);
    }
    const terms = live.map(({ e, j }) => b.primitive(state(states, e.input, where), `${where}/e${j}/${e.op}`, e.op, e.stride));
    let acc = terms[0];
    if (!acc) throw new Error(`exportOnnx: ${where} has no live edges`);
    for (let i = 1; i < terms.length; i++) {
      const t = terms[i];
      if (t) acc = { ...acc, name: b.g.node('Add', [acc.name, t.name], `${where}/sum${i}`) };
    }
    return acc;
  }
  const outs = node.choices.map((ch) => b.primitive(
    state(states, ch.input, where), `${where}/in_${inputLabel(plan.template, ch.input)}/${ch.op}`, ch.op, ch.stride,
  ));
  const projected = b.convSame(b.concat(outs, where), `${where}/proj/conv`, 1, plan.channels, 1);
  return b.batchNorm(projected, `${where}/proj/bn`);
}

function buildCell(b: Builder, plan: CellPlan, x0: Val, x1: Val): Val {
  const p = `cell${plan.index}`;
  const c = plan.channels;
  const s0 = plan.pre0.factorized ? b.factorizedReduce(x0, `${p}/pre0`, c) : b.reluConvBn(x0, `${p}/pre0`, c);
  const states = [s0, b.reluConvBn(x1, `${p}/pre1`, c)];
  if (plan.template.nodes.length === 0) throw new Error(`exportOnnx: ${p} has no nodes`);
  for (const node of plan.template.nodes) states.push(buildNode(b, plan, node, states));
  const projected = b.convSame(b.concat(states.slice(2), p), `${p}/proj/conv`, 1, c, 1);
  return b.batchNorm(projected, `${p}/proj/bn`);
}

/** x·scale + shift per channel with scale 1/(255·std) and shift −mean/std, as normalizeImages computes. */
function normalize(b: Builder, x: Val, stats: ChannelStats): Val {
  if (stats.mean.length !== x.c || stats.std.length !== x.c) {
    throw new Error(`exportOnnx: normalization has ${stats.mean.length} means and ${stats.std.length} stds, expected ${x.c}`);
  }
  const scale = Float32Array.from(stats.std, (s) => (s < MIN_STD ? 1 : 1 / s) / 255);
  const shift = Float32Array.from(stats.mean, (m, ch) => -m * 255 * (scale[ch] ?? 0));
  const sc = b.g.constant('normalize/scale', scale, [1, x.c, 1, 1]);
  const sh = b.g.constant('normalize/shift', shift, [1, x.c, 1, 1]);
  const scaled = b.g.node('Mul', [x.name, sc], 'normalize/scaled');
  return { ...x, name: b.g.node('Add', [scaled, sh], 'normalize/out') };
}

/**
 * The finished model `desc` with `weights` as an ONNX file (opset 13). Input: NHWC float32
 * [n, H, W, C], raw 0–255 pixels named "pixels" when `normalization` is given (else the normalised
 * "input"). Outputs: "logits" and "probabilities" (softmax), both [n, classes].
 * Throws, naming the node or weight, for a candidate node, a missing weight or a weight of the wrong shape.
 */
export function exportOnnx(desc: ModelDesc, weights: NamedWeights, opts: OnnxExportOptions = {}): Uint8Array {
  const b = new Builder(weights);
  const { height, width, channels } = desc.input;
  const inputName = b.g.input(opts.normalization ? 'pixels' : 'input');
  let x: Val = { name: b.g.node('Transpose', [inputName], 'nchw', { perm: ints([0, 3, 1, 2]) }), c: channels, h: height, w: width };
  if (opts.normalization) x = normalize(b, x, opts.normalization);
  // The description's input downsampling (area averaging of f×f blocks, a partial edge block dropped), as in
  // src/ml/model/network.ts.
  const f = downsampleOf(desc);
  if (f > 1) {
    const name = b.g.node('AveragePool', [x.name], 'downsample', { kernel_shape: ints([f, f]), strides: ints([f, f]), pads: ints([0, 0, 0, 0]) });
    x = { ...x, name, h: Math.floor(x.h / f), w: Math.floor(x.w / f) };
  }
  const stem = stemPlan(desc);
  const stemOut = (name: string): Val => b.batchNorm(b.convSame(x, `${name}/conv`, 3, stem.channels, stem.stride), `${name}/bn`);
  let s0 = stemOut('stem0');
  let s1 = stemOut('stem1');
  for (const plan of cellPlans(desc)) [s0, s1] = [s1, buildCell(b, plan, s0, s1)];
  const pooled = b.g.node('GlobalAveragePool', [s1.name], 'head/pool');
  const flat = b.g.node('Flatten', [pooled], 'head/flat', { axis: int(1) });
  const w = b.g.constant('head/w', b.values('head/w', [s1.c, desc.numClasses]), [s1.c, desc.numClasses]);
  const bias = b.g.constant('head/b', b.values('head/b', [desc.numClasses]), [desc.numClasses]);
  b.g.node('Gemm', [flat, w, bias], 'logits');
  b.g.node('Softmax', ['logits'], 'probabilities', { axis: int(1) });
  const io = (name: string, dims: (number | string)[], docString: string) => ({ name, dims, docString });
  return b.g.encode(
    io(inputName, ['n', height, width, channels], opts.normalization ? 'raw pixel values 0-255, NHWC float32' : 'normalised pixels, NHWC float32'),
    [io('logits', ['n', desc.numClasses], 'class scores before softmax'), io('probabilities', ['n', desc.numClasses], 'softmax of the logits')],
    { name: 'petridish', docString: 'Petridish architecture exported by petridish-browser' },
  );
}
