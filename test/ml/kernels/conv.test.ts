// The fast cpu convolution kernels against TF.js's stock cpu kernels on random inputs over a grid of
// shapes, strides, paddings, dilations and channel counts (odd sizes, batch 1, channel multipliers).

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreStockCpuKernels } from '../../../src/ml/kernels/cpu/register.ts';
import { expectClose, randomTensor, seeded, stockAndFast } from './compare.ts';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  n: number;
  h: number;
  w: number;
  cIn: number;
  cOut: number;
  k: number;
  kw?: number;
  stride: number | [number, number];
  pad: Pad;
  dilation: number | [number, number];
}

const explicit: Pad = [[0, 0], [1, 2], [0, 1], [0, 0]];

function grid(): Case[] {
  const cases: Case[] = [];
  const shapes = [
    { n: 1, h: 5, w: 5, cIn: 1, cOut: 3 },
    { n: 2, h: 7, w: 6, cIn: 3, cOut: 5 },
    { n: 3, h: 8, w: 8, cIn: 8, cOut: 8 },
    { n: 2, h: 9, w: 4, cIn: 5, cOut: 16 },
  ];
  for (const s of shapes) {
    for (const k of [1, 3, 5]) {
      for (const stride of [1, 2, [1, 2]] as const) {
        for (const pad of ['same', 'valid', 1, explicit] as Pad[]) {
          if (pad === 'valid' && k > Math.min(s.h, s.w)) continue;
          cases.push({ ...s, k, stride: stride as Case['stride'], pad, dilation: 1 });
        }
      }
      cases.push({ ...s, k, stride: 1, pad: 'same', dilation: 2 });
      cases.push({ ...s, k, stride: 1, pad: explicit, dilation: [2, 1] });
    }
    cases.push({ ...s, k: 3, kw: 1, stride: 2, pad: 'same', dilation: 1 });
  }
  return cases;
}

const label = (c: Case): string => `x ${c.n}×${c.h}×${c.w}×${c.cIn}, k ${c.k}×${c.kw ?? c.k}, out ${c.cOut}, stride ${c.stride}, pad ${JSON.stringify(c.pad)}, dilation ${c.dilation}`;

function outShape(c: Case, depthwise: boolean): number[] {
  const x = tf.zeros([c.n, c.h, c.w, c.cIn]) as tf.Tensor4D;
  const f = tf.zeros([c.k, c.kw ?? c.k, c.cIn, depthwise ? c.cOut : c.cOut]) as tf.Tensor4D;
  const y = depthwise ? tf.depthwiseConv2d(x, f, c.stride, c.pad as 'same', 'NHWC', c.dilation) : tf.conv2d(x, f, c.stride, c.pad as 'same', 'NHWC', c.dilation);
  const shape = y.shape;
  tf.dispose([x, f, y]);
  return shape;
}

describe('fast cpu convolution kernels equal the stock ones', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });
  afterAll(() => restoreStockCpuKernels());

  const cases = grid();

  it(`Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter over ${cases.length} cases`, () => {
    const before = tf.memory().numTensors;
    const rand = seeded(7);
    for (const c of cases) {
      tf.tidy(() => {
        const x = randomTensor([c.n, c.h, c.w, c.cIn], rand);
        const filter = randomTensor([c.k, c.kw ?? c.k, c.cIn, c.cOut], rand);
        const common = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined } as unknown as tf.NamedAttrMap;
        const fwd = stockAndFast('Conv2D', { x, filter }, { ...common, dilations: c.dilation });
        expectClose(fwd.fast, fwd.stock, `Conv2D ${label(c)}`);
        // The gradients exist only without dilation (as in TF.js's conv2d gradient).
        if (c.dilation !== 1) return;
        const dy = randomTensor(outShape(c, false), rand);
        const bi = stockAndFast('Conv2DBackpropInput', { dy, filter }, { ...common, inputShape: x.shape });
        expectClose(bi.fast, bi.stock, `Conv2DBackpropInput ${label(c)}`);
        const bf = stockAndFast('Conv2DBackpropFilter', { x, dy }, { ...common, filterShape: filter.shape });
        expectClose(bf.fast, bf.stock, `Conv2DBackpropFilter ${label(c)}`);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Conv2D and its gradients on inputs large enough to span several column chunks', () => {
    const before = tf.memory().numTensors;
    const rand = seeded(9);
    const big: Case[] = [
      // Chunks of 2^20 / K pixels: 2,621 here, for 6,560 pixels.
      { n: 4, h: 40, w: 41, cIn: 16, cOut: 2, k: 5, stride: 1, pad: 'same', dilation: 1 },
      { n: 2, h: 33, w: 30, cIn: 40, cOut: 2, k: 5, stride: 2, pad: 'same', dilation: 1 },
      { n: 2, h: 50, w: 50, cIn: 5, cOut: 3, k: 1, stride: 1, pad: 'same', dilation: 1 },
    ];
    for (const c of big) {
      tf.tidy(() => {
        const x = randomTensor([c.n, c.h, c.w, c.cIn], rand);
        const filter = randomTensor([c.k, c.k, c.cIn, c.cOut], rand);
        const common = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined } as unknown as tf.NamedAttrMap;
        const fwd = stockAndFast('Conv2D', { x, filter }, { ...common, dilations: 1 });
        expectClose(fwd.fast, fwd.stock, `Conv2D ${label(c)}`);
        const dy = randomTensor(outShape(c, false), rand);
        const bi = stockAndFast('Conv2DBackpropInput', { dy, filter }, { ...common, inputShape: x.shape });
        expectClose(bi.fast, bi.stock, `Conv2DBackpropInput ${label(c)}`);
        const bf = stockAndFast('Conv2DBackpropFilter', { x, dy }, { ...common, filterShape: filter.shape });
        expectClose(bf.fast, bf.stock, `Conv2DBackpropFilter ${label(c)}`);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it(`DepthwiseConv2dNative and its gradients over ${cases.length} cases, channel multipliers 1 and 2`, () => {
    const before = tf.memory().numTensors;
    const rand = seeded(11);
    let checked = 0;
    for (const base of cases) {
      for (const m of [1, 2]) {
        const c = { ...base, cOut: m };
        const strideOne = c.stride === 1;
        // TF.js has no depthwise conv with both stride and dilation above 1.
        if (!strideOne && c.dilation !== 1) continue;
        tf.tidy(() => {
          const x = randomTensor([c.n, c.h, c.w, c.cIn], rand);
          const filter = randomTensor([c.k, c.kw ?? c.k, c.cIn, m], rand);
          const common = { strides: c.stride, pad: c.pad, dimRoundingMode: undefined, dilations: c.dilation } as unknown as tf.NamedAttrMap;
          const fwd = stockAndFast('DepthwiseConv2dNative', { x, filter }, common);
          expectClose(fwd.fast, fwd.stock, `DepthwiseConv2dNative m=${m} ${label(c)}`);
          if (c.dilation !== 1) return;
          const dy = randomTensor(outShape(c, true).map((d, i) => (i === 3 ? c.cIn * m : d)), rand);
          const bi = stockAndFast('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...common, inputShape: x.shape });
          expectClose(bi.fast, bi.stock, `DepthwiseConv2dNativeBackpropInput m=${m} ${label(c)}`);
          const bf = stockAndFast('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...common, filterShape: filter.shape });
          expectClose(bf.fast, bf.stock, `DepthwiseConv2dNativeBackpropFilter m=${m} ${label(c)}`);
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('FusedConv2D and FusedDepthwiseConv2D with every bias form and activation', () => {
    const before = tf.memory().numTensors;
    const rand = seeded(5);
    const activations = [undefined, 'linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'];
    let i = 0;
    for (const c of cases.filter((_, j) => j % 7 === 0)) {
      const activation = activations[i++ % activations.length];
      for (const depthwise of [false, true]) {
        if (depthwise && c.stride !== 1 && c.dilation !== 1) continue;
        tf.tidy(() => {
          const cOut = depthwise ? c.cIn : c.cOut;
          const x = randomTensor([c.n, c.h, c.w, c.cIn], rand);
          const filter = randomTensor([c.k, c.kw ?? c.k, c.cIn, depthwise ? 1 : c.cOut], rand);
          const bias = i % 3 === 0 ? undefined : randomTensor(i % 3 === 1 ? [cOut] : [], rand);
          const inputs: tf.NamedTensorMap = { x, filter };
          if (bias) inputs.bias = bias;
          if (activation === 'prelu') inputs.preluActivationWeights = randomTensor([cOut], rand);
          const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilation, dimRoundingMode: undefined,
            activation, leakyreluAlpha: 0.2 } as unknown as tf.NamedAttrMap;
          const kernel = depthwise ? 'FusedDepthwiseConv2D' : 'FusedConv2D';
          const { stock, fast } = stockAndFast(kernel, inputs, attrs);
          expectClose(fast, stock, `${kernel} ${activation ?? 'no activation'} bias ${bias?.shape ?? 'none'} ${label(c)}`);
        });
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('hands NCHW and unsupported cases to the stock kernel, which still answers', () => {
    const rand = seeded(3);
    tf.tidy(() => {
      const x = randomTensor([1, 3, 5, 5], rand);
      const filter = randomTensor([3, 3, 3, 2], rand);
      const attrs = { strides: 1, pad: 'same', dataFormat: 'NCHW', dilations: 1 } as unknown as tf.NamedAttrMap;
      // The cpu backend implements NCHW convolutions; the fast kernel must give exactly its answer.
      const { stock, fast } = stockAndFast('Conv2D', { x, filter }, attrs);
      expect(Array.from(fast.dataSync())).toEqual(Array.from(stock.dataSync()));
    });
  });
});
