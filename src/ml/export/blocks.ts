// The building blocks of the layers-model export: each mirrors one op of src/ml/ops/* in inference mode with
// standard tf.layers only, and queues the trained tensors it needs, found by weight path, for copying in.

import * as tf from '@tensorflow/tfjs';
import type { PrimitiveName, Stride } from '../../core/space/model-desc.ts';
import type { NamedWeights } from '../../core/weights.ts';
import { BN_EPS } from '../ops/batch-norm.ts';
import { WeightLookup } from './weight-lookup.ts';

type Sym = tf.SymbolicTensor;
type LayerArgs = { name: string };

/** Looks weights up by path and remembers which layer gets which tensors once the model exists. */
export class ExportContext extends WeightLookup {
  readonly pending: { layer: tf.layers.Layer; values: tf.Tensor[] }[] = [];
  /** Every layer applied so far, to free their variables if the build fails halfway. */
  private readonly built: tf.layers.Layer[] = [];

  constructor(weights: NamedWeights) {
    super(weights, 'exportLayers');
  }

  /** Applies `layer` to `x` and queues its weights (in the layer's own order). */
  apply(layer: tf.layers.Layer, x: Sym | Sym[], values: { data: Float32Array; shape: number[] }[] = []): Sym {
    const y = layer.apply(x) as Sym;
    this.built.push(layer);
    if (values.length > 0) this.pending.push({ layer, values: values.map((v) => tf.tensor(v.data, v.shape)) });
    return y;
  }

  /** Copies the queued tensors into the built layers, then frees them. */
  assignAll(): void {
    try {
      for (const p of this.pending) p.layer.setWeights(p.values);
    } finally {
      for (const p of this.pending) tf.dispose(p.values);
      this.pending.length = 0;
    }
  }

  /** After a failed build: frees the queued tensors and the variables of the layers built so far. */
  disposeAll(): void {
    for (const p of this.pending) tf.dispose(p.values);
    this.pending.length = 0;
    for (const layer of this.built) layer.dispose();
    this.built.length = 0;
  }
}

/** Layer names follow the weight paths ('/' is a name-scope separator in Keras, so it becomes '.'). */
export function layerName(path: string, suffix?: string): LayerArgs {
  return { name: `${path.replace(/\//g, '.')}${suffix ? `.${suffix}` : ''}` };
}

function channelsOf(x: Sym): number {
  const c = x.shape[3];
  if (typeof c !== 'number') throw new Error(`exportLayers: tensor ${x.name} has no static channel count`);
  return c;
}

export function relu(ctx: ExportContext, x: Sym, path: string): Sym {
  return ctx.apply(tf.layers.reLU(layerName(path, 'relu')), x);
}

export function batchNorm(ctx: ExportContext, x: Sym, path: string): Sym {
  const c = channelsOf(x);
  const affine = ctx.has(`${path}/gamma`);
  const vals = [
    ...(affine ? [`${path}/gamma`, `${path}/beta`] : []),
    `${path}/mean`,
    `${path}/var`,
  ].map((p) => ({ data: ctx.values(p, [c]), shape: [c] }));
  const layer = tf.layers.batchNormalization({ ...layerName(path), axis: -1, epsilon: BN_EPS, center: affine, scale: affine });
  return ctx.apply(layer, x, vals);
}

/** A plain conv ('same' padding, as tf.conv2d(..., 'same') in the network), optionally with bias. */
export function conv(
  ctx: ExportContext, x: Sym, path: string, k: number, cOut: number, stride: Stride,
  bias?: string, activation?: 'relu6',
): Sym {
  const shape = [k, k, channelsOf(x), cOut];
  const vals = [{ data: ctx.values(path, shape), shape }];
  if (bias) vals.push({ data: ctx.values(bias, [cOut]), shape: [cOut] });
  const layer = tf.layers.conv2d({
    ...layerName(path), filters: cOut, kernelSize: k, strides: stride, padding: 'same', useBias: !!bias,
    ...(activation ? { activation } : {}),
  });
  return ctx.apply(layer, x, vals);
}

/**
 * Undilated depthwise conv with the network's symmetric padding (k−1)/2: an explicit zeroPadding2d then
 * 'valid', because Keras' 'same' pads bottom/right first at stride 2.
 */
export function depthwise(
  ctx: ExportContext, x: Sym, path: string, k: number, stride: Stride, bias?: string, activation?: 'relu6',
): Sym {
  const c = channelsOf(x);
  const p = (k - 1) / 2;
  const padded = ctx.apply(tf.layers.zeroPadding2d({ ...layerName(path, 'pad'), padding: [[p, p], [p, p]] }), x);
  const vals = [{ data: ctx.values(path, [k, k, c, 1]), shape: [k, k, c, 1] }];
  if (bias) vals.push({ data: ctx.values(bias, [c]), shape: [c] });
  const layer = tf.layers.depthwiseConv2d({
    ...layerName(path), kernelSize: k, strides: stride, padding: 'valid', depthMultiplier: 1, useBias: !!bias,
    ...(activation ? { activation } : {}),
  });
  return ctx.apply(layer, padded, vals);
}

/**
 * DilConv's dilation-2 depthwise k×k and pointwise 1×1 convs as one SeparableConv2D with the trained k×k
 * filter, so the layer has exactly the point's parameters. TF.js' DepthwiseConv2D ignores dilationRate
 * (SeparableConv2D honours it), and neither TF.js nor Keras allows stride 2 with dilation 2: at stride 2
 * the dilated taps only ever read the even rows and columns of the padded input (its padding 2·(k−1)/2 is
 * even), so a 1×1 max pool of stride 2 picks that phase and an undilated k×k conv follows, which is the
 * same function with the same weights.
 */
function dilatedSeparable(ctx: ExportContext, x: Sym, dwPath: string, pwPath: string, k: number, stride: Stride): Sym {
  const c = channelsOf(x);
  const p = k - 1;
  let y = ctx.apply(tf.layers.zeroPadding2d({ ...layerName(dwPath, 'pad'), padding: [[p, p], [p, p]] }), x);
  if (stride === 2) {
    y = ctx.apply(tf.layers.maxPooling2d({ ...layerName(dwPath, 'even'), poolSize: 1, strides: 2, padding: 'valid' }), y);
  }
  const layer = tf.layers.separableConv2d({
    ...layerName(dwPath), filters: c, kernelSize: k, strides: 1, dilationRate: stride === 2 ? 1 : 2,
    padding: 'valid', depthMultiplier: 1, useBias: false,
  });
  return ctx.apply(layer, y, [
    { data: ctx.values(dwPath, [k, k, c, 1]), shape: [k, k, c, 1] },
    { data: ctx.values(pwPath, [1, 1, c, c]), shape: [1, 1, c, c] },
  ]);
}

/** FactorizedReduce: ReLU, then 1×1 stride-2 convs of the input and of the input shifted by one pixel. */
export function factorizedReduce(ctx: ExportContext, x: Sym, path: string, cOut: number): Sym {
  const r = relu(ctx, x, path);
  const a = conv(ctx, r, `${path}/conv1`, 1, cOut / 2, 2);
  const cropped = ctx.apply(tf.layers.cropping2D({ ...layerName(path, 'shift'), cropping: [[1, 0], [1, 0]] }), r);
  const shifted = ctx.apply(tf.layers.zeroPadding2d({ ...layerName(path, 'pad'), padding: [[0, 1], [0, 1]] }), cropped);
  const b = conv(ctx, shifted, `${path}/conv2`, 1, cOut / 2, 2);
  const cat = ctx.apply(tf.layers.concatenate({ ...layerName(path, 'concat'), axis: -1 }), [a, b]);
  return batchNorm(ctx, cat, `${path}/bn`);
}

export function reluConvBn(ctx: ExportContext, x: Sym, path: string, cOut: number): Sym {
  return batchNorm(ctx, conv(ctx, relu(ctx, x, path), `${path}/conv`, 1, cOut, 1), `${path}/bn`);
}

function dilConv(ctx: ExportContext, x: Sym, path: string, k: number, stride: Stride, dilation: 1 | 2, suffix = ''): Sym {
  const c = channelsOf(x);
  const r = relu(ctx, x, `${path}/dw${suffix}`);
  const y = dilation === 2
    ? dilatedSeparable(ctx, r, `${path}/dw${suffix}`, `${path}/pw${suffix}`, k, stride)
    : conv(ctx, depthwise(ctx, r, `${path}/dw${suffix}`, k, stride), `${path}/pw${suffix}`, 1, c, 1);
  return batchNorm(ctx, y, `${path}/bn${suffix}`);
}

function mbConv(ctx: ExportContext, x: Sym, path: string, r: number, stride: Stride): Sym {
  const c = channelsOf(x);
  const bias = (p: string): string | undefined => (ctx.has(`${p}/bias`) ? `${p}/bias` : undefined);
  let y = conv(ctx, x, `${path}/expand`, 1, c * r, 1, bias(`${path}/expand`), 'relu6');
  y = depthwise(ctx, y, `${path}/dw`, 3, stride, bias(`${path}/dw`), 'relu6');
  return batchNorm(ctx, conv(ctx, y, `${path}/project`, 1, c, 1, bias(`${path}/project`)), `${path}/bn`);
}

/** Exact zeros of the op's output shape: a fixed (non-trainable) 1×1 depthwise conv whose filter is zero. */
export function zeros(ctx: ExportContext, x: Sym, path: string, stride: Stride): Sym {
  const c = channelsOf(x);
  const layer = tf.layers.depthwiseConv2d({ ...layerName(path), kernelSize: 1, strides: stride, padding: 'same', useBias: false, trainable: false });
  return ctx.apply(layer, x, [{ data: new Float32Array(c), shape: [1, 1, c, 1] }]);
}

/**
 * The 3×3 pools with padding 1 on every side (the network's and PyTorch's). 'same' is that already except at
 * stride 2 on an even size, where it pads only the bottom/right: there one zero row/column is added at the
 * bottom/right first (the size becomes odd, so 'same' pads 1 on each side and ignores the padding), and the
 * one extra output row/column, the only one that reads the added zeros, is cropped off.
 */
function pool3x3(ctx: ExportContext, x: Sym, path: string, kind: 'max' | 'avg', stride: Stride): Sym {
  const args = { ...layerName(path), poolSize: 3, strides: stride, padding: 'same' as const };
  const make = () => (kind === 'max' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args));
  const [h, w] = [x.shape[1], x.shape[2]];
  if (typeof h !== 'number' || typeof w !== 'number') throw new Error(`exportLayers: tensor ${x.name} has no static size`);
  const eh = stride === 2 && h % 2 === 0 ? 1 : 0;
  const ew = stride === 2 && w % 2 === 0 ? 1 : 0;
  if (eh + ew === 0) return ctx.apply(make(), x);
  const padded = ctx.apply(tf.layers.zeroPadding2d({ ...layerName(path, 'pad'), padding: [[0, eh], [0, ew]] }), x);
  const pooled = ctx.apply(make(), padded);
  return ctx.apply(tf.layers.cropping2D({ ...layerName(path, 'crop'), cropping: [[0, eh], [0, ew]] }), pooled);
}

export function primitive(ctx: ExportContext, x: Sym, path: string, op: PrimitiveName, stride: Stride): Sym {
  switch (op) {
    case 'max_pool_3x3': return pool3x3(ctx, x, path, 'max', stride);
    case 'avg_pool_3x3': return pool3x3(ctx, x, path, 'avg', stride);
    case 'skip_connect': return stride === 1 ? x : factorizedReduce(ctx, x, path, channelsOf(x));
    case 'sep_conv_3x3':
    case 'sep_conv_5x5': {
      const k = op === 'sep_conv_3x3' ? 3 : 5;
      return dilConv(ctx, dilConv(ctx, x, path, k, stride, 1, '1'), path, k, 1, 1, '2');
    }
    case 'dil_conv_3x3': return dilConv(ctx, x, path, 3, stride, 2);
    case 'dil_conv_5x5': return dilConv(ctx, x, path, 5, stride, 2);
    case 'mbconv_r1': return mbConv(ctx, x, path, 1, stride);
    case 'mbconv_r2': return mbConv(ctx, x, path, 2, stride);
    case 'mbconv_r3': return mbConv(ctx, x, path, 3, stride);
    case 'none': return zeros(ctx, x, path, stride);
    default: {
      const unknown: never = op;
      throw new Error(`exportLayers: unknown primitive "${String(unknown)}" at "${path}"`);
    }
  }
}

/** Concatenates on channels (a single tensor passes through: Keras needs two or more inputs). */
export function concat(ctx: ExportContext, xs: Sym[], path: string): Sym {
  if (xs.length === 1 && xs[0]) return xs[0];
  return ctx.apply(tf.layers.concatenate({ ...layerName(path, 'concat'), axis: -1 }), xs);
}
