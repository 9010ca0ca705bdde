// MAdd and parameter counts of single layers and primitives (spec §6 and the network anatomy), each named by
// the weight path the TF.js builder gives it, so a layer's cost and its variables can be matched by path.

import { mbconvRatio } from '../space/primitives.ts';
import { strided } from '../space/shapes.ts';
import type { Spatial } from '../space/shapes.ts';
import type { PrimitiveName, Stride } from '../space/model-desc.ts';

export type LayerKind =
  | 'conv'
  | 'depthwise_conv'
  | 'batch_norm'
  | 'relu'
  | 'relu6'
  | 'max_pool'
  | 'avg_pool'
  | 'linear';

/** A learnable tensor of a layer (batch-norm moving statistics are not parameters and are not listed). */
export interface ParamShape {
  path: string;
  /** TF.js layout: conv [kh, kw, in, out], depthwise [kh, kw, in, 1], bias/gamma/beta [C], linear [in, out]. */
  shape: number[];
}

export interface LayerCost {
  path: string;
  kind: LayerKind;
  madd: number;
  params: number;
  /**
   * Elements of the layer's output per example (channels × height × width; features for the linear head):
   * the memory a step writes and reads back, which prices elementwise and data-movement work that MAdd misses.
   */
  outputs: number;
  weights: ParamShape[];
}

const area = (s: Spatial): number => s.height * s.width;

/** Conv2d: out_h·out_w·out_c·(2·k²·in_c/groups − 1 + bias); params k²·in_c/groups·out_c (+ out_c). */
export function convLayer(
  path: string,
  inC: number,
  outC: number,
  k: number,
  outSize: Spatial,
  bias = false,
): LayerCost {
  const b = bias ? 1 : 0;
  const weights = [{ path, shape: [k, k, inC, outC] }];
  if (bias) weights.push({ path: `${path}/bias`, shape: [outC] });
  return {
    path,
    kind: 'conv',
    madd: area(outSize) * outC * (2 * k * k * inC - 1 + b),
    params: k * k * inC * outC + b * outC,
    outputs: outC * area(outSize),
    weights,
  };
}

/** Depthwise conv (groups = in_c, multiplier 1); dilation changes the reach, not the count. */
export function depthwiseLayer(path: string, c: number, k: number, outSize: Spatial, bias = false): LayerCost {
  const b = bias ? 1 : 0;
  const weights = [{ path, shape: [k, k, c, 1] }];
  if (bias) weights.push({ path: `${path}/bias`, shape: [c] });
  return {
    path,
    kind: 'depthwise_conv',
    madd: area(outSize) * c * (2 * k * k - 1 + b),
    params: k * k * c + b * c,
    outputs: c * area(outSize),
    weights,
  };
}

/** BatchNorm: 4·C·H·W whether or not it is affine; 2C parameters (gamma, beta) only when affine. */
export function bnLayer(path: string, c: number, size: Spatial, affine: boolean): LayerCost {
  return {
    path,
    kind: 'batch_norm',
    madd: 4 * c * area(size),
    params: affine ? 2 * c : 0,
    outputs: c * area(size),
    weights: affine ? [{ path: `${path}/gamma`, shape: [c] }, { path: `${path}/beta`, shape: [c] }] : [],
  };
}

export function activationLayer(path: string, kind: 'relu' | 'relu6', c: number, size: Spatial): LayerCost {
  return { path, kind, madd: c * area(size), params: 0, outputs: c * area(size), weights: [] };
}

/** 3×3 pools: max (k²−1)·out elements, average k²·out elements. */
export function poolLayer(path: string, kind: 'max_pool' | 'avg_pool', c: number, outSize: Spatial): LayerCost {
  return { path, kind, madd: (kind === 'max_pool' ? 8 : 9) * c * area(outSize), params: 0, outputs: c * area(outSize), weights: [] };
}

/** Area averaging of f×f blocks (the input downsampling): f² additions and multiplies per output element. */
export function downsampleLayer(path: string, c: number, f: number, outSize: Spatial): LayerCost {
  return { path, kind: 'avg_pool', madd: f * f * c * area(outSize), params: 0, outputs: c * area(outSize), weights: [] };
}

/** Linear: out·(2·in − 1) (the bias is not counted in MAdd); params in·out + out. */
export function linearLayer(path: string, inF: number, outF: number): LayerCost {
  return {
    path,
    kind: 'linear',
    madd: outF * (2 * inF - 1),
    params: inF * outF + outF,
    outputs: outF,
    weights: [{ path: `${path}/w`, shape: [inF, outF] }, { path: `${path}/b`, shape: [outF] }],
  };
}

/** prepr_normal: ReLU → conv1×1 → BN, at stride 1. */
export function reluConvBn(path: string, inC: number, outC: number, size: Spatial): LayerCost[] {
  return [
    activationLayer(`${path}/relu`, 'relu', inC, size),
    convLayer(`${path}/conv`, inC, outC, 1, size),
    bnLayer(`${path}/bn`, outC, size, true),
  ];
}

/** FactorizedReduce: ReLU → two conv1×1 stride 2 to out/2 (one on the shifted input) → concat → BN. */
export function factorizedReduce(path: string, inC: number, outC: number, inSize: Spatial, affine: boolean): LayerCost[] {
  const out = strided(inSize, 2);
  return [
    activationLayer(`${path}/relu`, 'relu', inC, inSize),
    convLayer(`${path}/conv1`, inC, outC / 2, 1, out),
    convLayer(`${path}/conv2`, inC, outC / 2, 1, out),
    bnLayer(`${path}/bn`, outC, out, affine),
  ];
}

/** DilConv: ReLU → depthwise k×k (stride) → conv1×1 → BN; `suffix` numbers the two blocks of a sep_conv. */
function dilConv(path: string, suffix: string, c: number, k: number, stride: Stride, inSize: Spatial, affine: boolean): LayerCost[] {
  const out = strided(inSize, stride);
  return [
    activationLayer(`${path}/relu${suffix}`, 'relu', c, inSize),
    depthwiseLayer(`${path}/dw${suffix}`, c, k, out),
    convLayer(`${path}/pw${suffix}`, c, c, 1, out),
    bnLayer(`${path}/bn${suffix}`, c, out, affine),
  ];
}

/** mbconv_r: expand 1×1 → ReLU6 → depthwise 3×3 (stride) → ReLU6 → project 1×1 → BN; biases iff affine. */
function mbconv(path: string, r: number, c: number, stride: Stride, inSize: Spatial, affine: boolean): LayerCost[] {
  const out = strided(inSize, stride);
  const wide = c * r;
  return [
    convLayer(`${path}/expand`, c, wide, 1, inSize, affine),
    activationLayer(`${path}/relu6_1`, 'relu6', wide, inSize),
    depthwiseLayer(`${path}/dw`, wide, 3, out, affine),
    activationLayer(`${path}/relu6_2`, 'relu6', wide, out),
    convLayer(`${path}/project`, wide, c, 1, out, affine),
    bnLayer(`${path}/bn`, c, out, affine),
  ];
}

/** The layers of primitive `op` (C → C at `stride`) whose weights live under `path` (…/{op}). */
export function primitiveLayers(
  path: string,
  op: PrimitiveName,
  c: number,
  stride: Stride,
  inSize: Spatial,
  affine: boolean,
): LayerCost[] {
  const out = strided(inSize, stride);
  switch (op) {
    case 'max_pool_3x3':
      return [poolLayer(path, 'max_pool', c, out)];
    case 'avg_pool_3x3':
      return [poolLayer(path, 'avg_pool', c, out)];
    case 'skip_connect':
      return stride === 1 ? [] : factorizedReduce(path, c, c, inSize, affine);
    case 'sep_conv_3x3':
    case 'sep_conv_5x5': {
      const k = op === 'sep_conv_3x3' ? 3 : 5;
      return [...dilConv(path, '1', c, k, stride, inSize, affine), ...dilConv(path, '2', c, k, 1, out, affine)];
    }
    case 'dil_conv_3x3':
      return dilConv(path, '', c, 3, stride, inSize, affine);
    case 'dil_conv_5x5':
      return dilConv(path, '', c, 5, stride, inSize, affine);
    case 'none':
      return [];
    default: {
      const r = mbconvRatio(op);
      if (r === null) throw new Error(`primitiveLayers: unknown primitive ${String(op)}`);
      return mbconv(path, r, c, stride, inSize, affine);
    }
  }
}
