// The built network: its variables match the cost counter's parameters, a child with its candidate
// reproduces the parent exactly (forward, loss and gradients), the candidate learns, and nothing leaks.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { countCost } from '../../../src/core/cost/cost.ts';
import { cellPlans } from '../../../src/core/space/shapes.ts';
import type { ModelDesc } from '../../../src/core/space/model-desc.ts';
import { buildNetwork } from '../../../src/ml/model/network.ts';
import type { Network } from '../../../src/ml/model/network-types.ts';
import { TEST_BACKENDS, useBackend } from '../backends.ts';
import { growthChain, maxAbsDiff, perturbed, randomBatch, seedDesc } from '../fixtures.ts';

function paramCount(net: Network): number {
  const alphas = new Set([net.alphas.normal, net.alphas.reduction]);
  return net.trainable.filter((v) => !alphas.has(v)).reduce((n, v) => n + v.size, 0);
}

function pathOf(net: Network): Map<tf.Variable, string> {
  return new Map([...net.variables].map(([p, v]) => [v, p]));
}

function lossOf(net: Network, x: tf.Tensor4D, labels: tf.Tensor2D, training: boolean): tf.Scalar {
  const { logits, statUpdates } = net.forward(x, training);
  for (const u of statUpdates) u.value.dispose();
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
}

async function grads(net: Network, x: tf.Tensor4D, labels: tf.Tensor2D): Promise<Map<string, Float32Array>> {
  const { grads: g } = tf.variableGrads(() => lossOf(net, x, labels, true), net.trainable);
  const paths = pathOf(net);
  const out = new Map<string, Float32Array>();
  for (const v of net.trainable) {
    const t = g[v.name];
    if (t) out.set(paths.get(v) ?? '?', (await t.data()) as Float32Array);
  }
  tf.dispose(g);
  return out;
}

describe('parameters agree with the cost counter (cpu)', () => {
  beforeAll(() => useBackend('cpu'));
  const descs: [string, ModelDesc][] = [];
  for (const space of ['canonical', 'ecv2022'] as const) {
    const g = growthChain(space);
    descs.push([`${space} seed`, g.seed], [`${space} grown`, g.child], [`${space} finalised`, g.final],
      [`${space} grown twice`, g.child2], [`${space} 5 cells 2 reductions`, seedDesc(space, 3, 5, 2, 11)]);
  }
  it.each(descs)('%s: trainable variables minus α = countCost params, path by path', (_, desc) => {
    const net = buildNetwork(desc, { seed: 3 });
    const cost = countCost(desc);
    expect(paramCount(net)).toBe(cost.params);
    const expected = new Map(cost.layers.flatMap((l) => l.weights.map((w) => [w.path, w.shape.join('x')])));
    const actual = new Map(net.trainable.filter((v) => v !== net.alphas.normal && v !== net.alphas.reduction)
      .map((v) => [pathOf(net).get(v) ?? '?', v.shape.join('x')]));
    expect(actual).toEqual(expected);
    net.dispose();
  });
});

describe('initialisation (cpu)', () => {
  beforeAll(() => useBackend('cpu'));
  it('is seeded, α is uniform(−0.1, 0.1) with one variable per cell type, BN starts at 1/0/0/1', () => {
    const desc = growthChain('canonical').child;
    const a = buildNetwork(desc, { seed: 5 });
    const b = buildNetwork(desc, { seed: 5 });
    const c = buildNetwork(desc, { seed: 6 });
    expect(maxAbsDiff(a.getWeights().data, b.getWeights().data)).toBe(0);
    expect(maxAbsDiff(a.getWeights().data, c.getWeights().data)).toBeGreaterThan(0);
    const alpha = a.alphas.normal;
    expect(alpha?.shape).toEqual([3, 8]);
    expect(a.variables.get('alpha/normal')).toBe(alpha);
    expect(alpha?.dataSync().every((v) => v > -0.1 && v < 0.1)).toBe(true);
    // Both signs, spread over the range: not uniform(0, 0.1) or a narrower interval.
    const all = [...(alpha?.dataSync() ?? []), ...(a.alphas.reduction?.dataSync() ?? [])];
    expect(all).toHaveLength(48);
    expect(Math.min(...all)).toBeLessThan(-0.05);
    expect(Math.max(...all)).toBeGreaterThan(0.05);
    expect(all.filter((v) => v < 0).length).toBeGreaterThan(12);
    expect(all.filter((v) => v > 0).length).toBeGreaterThan(12);
    expect([...(a.variables.get('stem0/bn/gamma')?.dataSync() ?? [])].every((v) => v === 1)).toBe(true);
    expect([...(a.variables.get('cell0/proj/bn/var')?.dataSync() ?? [])].every((v) => v === 1)).toBe(true);
    expect(a.variables.has('cell0/p1/in_s0/sep_conv_3x3/bn1/gamma')).toBe(false);
    expect(a.variables.has('cell0/p1/in_s0/sep_conv_3x3/bn1/mean')).toBe(true);
    for (const n of [a, b, c]) n.dispose();
  });
});

describe.each(TEST_BACKENDS)('the candidate on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  const space = 'canonical';

  it('a child loaded with the parent\'s trained weights gives exactly the parent\'s logits and loss', async () => {
    const { seed, child } = growthChain(space);
    const parent = buildNetwork(seed, { seed: 1 });
    parent.loadWeights(perturbed(await readAll(parent), 9), null);
    const kid = buildNetwork(child, { seed: 2 });
    kid.loadWeights(await readAll(parent), seed);
    const x = randomBatch(seed, 4, 3);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3) as tf.Tensor2D;
    for (const training of [false, true]) {
      const p = parent.forward(x, training);
      const k = kid.forward(x, training);
      expect(maxAbsDiff(await p.logits.data(), await k.logits.data())).toBe(0);
      const lp = await tf.losses.softmaxCrossEntropy(labels, p.logits).data();
      const lk = await tf.losses.softmaxCrossEntropy(labels, k.logits).data();
      expect(lk[0]).toBe(lp[0]);
      tf.dispose([p.logits, k.logits, ...p.statUpdates.map((u) => u.value), ...k.statUpdates.map((u) => u.value)]);
    }
    tf.dispose([x, labels]);
    parent.dispose();
    kid.dispose();
  });

  it('leaves the parent\'s gradients unchanged and gives α and the branches non-zero gradients', async () => {
    const { seed, child } = growthChain(space);
    const parent = buildNetwork(seed, { seed: 1 });
    parent.loadWeights(perturbed(await readAll(parent), 9), null);
    const kid = buildNetwork(child, { seed: 2 });
    kid.loadWeights(await readAll(parent), seed);
    const x = randomBatch(seed, 4, 3);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3) as tf.Tensor2D;
    const gp = await grads(parent, x, labels);
    const gk = await grads(kid, x, labels);
    for (const [path, g] of gp) {
      const k = gk.get(path) ?? new Float32Array();
      expect(maxAbsDiff(g, g.length === k.length ? k : parentRows(seed, child, path, k)), path).toBe(0);
    }
    const nonZero = (path: string) => (gk.get(path) ?? new Float32Array()).some((v) => v !== 0);
    expect(nonZero('alpha/normal')).toBe(true);
    expect(nonZero('alpha/reduction')).toBe(true);
    expect(nonZero('cell0/p1/in_s1/sep_conv_3x3/dw1')).toBe(true);
    expect(nonZero('cell1/p1/in_s0/dil_conv_5x5/pw')).toBe(true);
    tf.dispose([x, labels]);
    parent.dispose();
    kid.dispose();
  });
});

/** The rows of a grown cell projection that belong to the parent's nodes, in the parent's layout. */
function parentRows(parentDesc: ModelDesc, childDesc: ModelDesc, path: string, values: Float32Array): Float32Array {
  const cell = Number(/^cell(\d+)\/proj\/conv$/.exec(path)?.[1] ?? NaN);
  const plan = cellPlans(childDesc)[cell];
  const parentPlan = cellPlans(parentDesc)[cell];
  if (!plan || !parentPlan) return new Float32Array();
  const block = plan.channels * plan.channels;
  const childIds = plan.template.nodes.map((n) => n.id);
  const rows = parentPlan.template.nodes.map((n) => childIds.indexOf(n.id));
  const out = new Float32Array(rows.length * block);
  rows.forEach((i, j) => out.set(values.subarray(i * block, (i + 1) * block), j * block));
  return out;
}

async function readAll(net: Network) {
  const { readWeightsAsync } = await import('../../../src/ml/weights/weights-io.ts');
  return readWeightsAsync(net.variables);
}

describe('memory (cpu)', () => {
  beforeAll(() => useBackend('cpu'));
  it('tf.memory().numTensors returns to its baseline after build, forward, stat updates and dispose', () => {
    const desc = growthChain('ecv2022').child2;
    const x = randomBatch(desc, 2, 1);
    const before = tf.memory().numTensors;
    const net = buildNetwork(desc, { seed: 4 });
    const train = net.forward(x, true);
    net.applyStatUpdates(train.statUpdates);
    const infer = net.forward(x, false);
    net.getWeights();
    tf.dispose([train.logits, infer.logits]);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('rejects a batch of the wrong shape with a clear message', () => {
    const net = buildNetwork(seedDesc('canonical'), { seed: 1 });
    expect(() => net.forward(tf.zeros([1, 9, 8, 1]) as tf.Tensor4D, false)).toThrow(/expected \[N, 8, 8, 1\]/);
    net.dispose();
  });
});
