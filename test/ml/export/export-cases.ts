// The descriptions the model exports are checked on: seeds and grown multi nodes in both search spaces, an
// odd 7×7 stage, and every primitive (dil_conv at both strides) on odd and even inputs; and the network's
// inference logits with trained-looking weights, the reference every export must reproduce.

import type * as tf from '@tensorflow/tfjs';
import type { ModelDesc } from '../../../src/core/space/model-desc.ts';
import { STEM_STRIDE } from '../../../src/core/space/primitives.ts';
import { createRng } from '../../../src/core/rng.ts';
import { buildSeedDesc } from '../../../src/core/space/seeds.ts';
import type { NamedWeights } from '../../../src/core/weights.ts';
import { buildNetwork } from '../../../src/ml/model/network.ts';
import { BN_MOMENTUM } from '../../../src/ml/ops/batch-norm.ts';
import { growthChain, perturbed, seedDesc } from '../fixtures.ts';

/**
 * Every primitive, strided and not (dil_conv at both strides), a 'none' edge, an all-'none' node, an edgeless
 * node, multi nodes, on an odd (9×9 → 5 → 3) or even (10×10 → 5 → 3) input.
 */
export function everyOp(size: number): ModelDesc {
  return {
    version: 1, space: 'canonical', input: { height: size, width: size, channels: 2 }, numClasses: 4,
    initNodeChannels: 4, stemMultiplier: 2, stemStride: 1, nCells: 3, nReductions: 2,
    cells: {
      normal: { nodes: [
        { kind: 'sum', id: 'n0', edges: [{ input: 0, op: 'sep_conv_3x3', stride: 1 }, { input: 1, op: 'dil_conv_5x5', stride: 1 }] },
        { kind: 'sum', id: 'n1', edges: [{ input: 2, op: 'avg_pool_3x3', stride: 1 }, { input: 0, op: 'skip_connect', stride: 1 }, { input: 1, op: 'none', stride: 1 }] },
        { kind: 'multi', id: 'n2', choices: [
          { input: 1, op: 'max_pool_3x3', stride: 1, alpha: 0.3 },
          { input: 3, op: 'sep_conv_5x5', stride: 1, alpha: 0.2 },
          { input: 0, op: 'dil_conv_3x3', stride: 1, alpha: 0.1 },
        ] },
      ] },
      reduction: { nodes: [
        { kind: 'sum', id: 'n0', edges: [{ input: 0, op: 'avg_pool_3x3', stride: 2 }, { input: 1, op: 'skip_connect', stride: 2 }, { input: 0, op: 'dil_conv_5x5', stride: 2 }] },
        { kind: 'multi', id: 'n1', choices: [
          { input: 0, op: 'mbconv_r2', stride: 2, alpha: 0.5 },
          { input: 1, op: 'max_pool_3x3', stride: 2, alpha: 0.4 },
          { input: 2, op: 'dil_conv_3x3', stride: 1, alpha: 0.3 },
          { input: 1, op: 'dil_conv_3x3', stride: 2, alpha: 0.2 },
        ] },
        { kind: 'sum', id: 'n2', edges: [] },
        { kind: 'sum', id: 'n3', edges: [{ input: 4, op: 'none', stride: 1 }] },
        { kind: 'sum', id: 'n4', edges: [{ input: 1, op: 'sep_conv_3x3', stride: 2 }, { input: 0, op: 'dil_conv_5x5', stride: 2 }] },
      ] },
    },
  };
}

function mnistLike(): ModelDesc {
  return buildSeedDesc({
    space: 'canonical', input: { height: 28, width: 28, channels: 1 }, numClasses: 10, initNodeChannels: 4,
    stemMultiplier: 1, stemStride: STEM_STRIDE.canonical, macro: { cells: 3, reductions: 2, nodes: 2 }, rng: createRng(3),
  });
}

export const CASES: [string, () => ModelDesc][] = [
  ['canonical seed', () => seedDesc('canonical')],
  ['canonical grown + finalised (multi nodes)', () => growthChain('canonical').final],
  ['ecv2022 seed', () => seedDesc('ecv2022', 3, 4, 2, 11)],
  ['ecv2022 grown + finalised (mbconv)', () => growthChain('ecv2022').final],
  ['28×28 with 2 reductions (odd 7×7 stage)', mnistLike],
  ['every primitive on 9×9 → 5 → 3', () => everyOp(9)],
  ['every primitive on 10×10 → 5 → 3', () => everyOp(10)],
  ['28×28 downsampled ×2 inside the model (14×14 cells)', () => ({ ...mnistLike(), downsample: 2 })],
  ['9×9 downsampled ×2 (a partial edge block dropped, 4×4)', () => ({ ...seedDesc('canonical'), input: { height: 9, width: 9, channels: 1 }, downsample: 2 })],
];

/** The network's inference logits for `x` with trained-looking weights, and those weights. */
export async function reference(
  desc: ModelDesc, x: tf.Tensor4D, seed: number, opts: { calibrate?: boolean } = {},
): Promise<{ logits: Float32Array; weights: NamedWeights }> {
  const net = buildNetwork(desc, { seed });
  try {
    net.loadWeights(perturbed(net.getWeights(), seed + 1), desc);
    if (opts.calibrate) calibrateStats(net, x);
    const weights = net.getWeights();
    const { logits } = net.forward(x, false);
    const values = (await logits.data()) as Float32Array;
    logits.dispose();
    return { logits: values, weights };
  } finally {
    net.dispose();
  }
}

/**
 * Sets every BN moving mean to the batch mean of `x` and every moving variance to the batch variance plus 1
 * (as a long training run would leave them, with a floor: a 1×1 stage over a batch of 2 or 3 can have a
 * channel of near-zero variance, which would magnify float32 rounding 300-fold), so the logits have a
 * trained network's scale (units, not thousands). An update is 0.9·old + 0.1·batch, so
 * batch = (update − 0.9·old) / 0.1; batch norm pushes each layer's mean update, then its variance update.
 */
function calibrateStats(net: ReturnType<typeof buildNetwork>, x: tf.Tensor4D): void {
  const { logits, statUpdates } = net.forward(x, true);
  logits.dispose();
  statUpdates.forEach((u, i) => {
    const batch = u.value.sub(u.variable.mul(1 - BN_MOMENTUM)).div(BN_MOMENTUM);
    const value = i % 2 === 0 ? batch : batch.add(1);
    u.variable.assign(value);
    if (value !== batch) value.dispose();
    batch.dispose();
    u.value.dispose();
  });
}
