// The final training's network features: drop path (linear ramp, per-example zeroing with 1/(1−p) scaling,
// never on skip_connect, off in inference) and the auxiliary tower (shape, only with more than one reduction,
// its loss weight, training only, never in the parameter count or the kept weights).

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { countCost } from '../../../src/core/cost/cost.ts';
import type { ModelDesc, NodeDesc, PrimitiveName } from '../../../src/core/space/model-desc.ts';
import { AUX_PREFIX, auxTowerCell, withoutAuxTower } from '../../../src/ml/model/aux-tower.ts';
import { buildNetwork } from '../../../src/ml/model/network.ts';
import { dropPath, dropsPath } from '../../../src/ml/ops/drop-path.ts';
import { dropPathProbAt, phaseLoss } from '../../../src/ml/train/train.ts';
import { useBackend } from '../backends.ts';
import { growthChain, maxAbsDiff, randomBatch, seedDesc } from '../fixtures.ts';

/** A model whose every edge uses `op` (two-input sum nodes; reduction edges from s0/s1 have stride 2). */
function uniformDesc(op: PrimitiveName, reductions = 1, cells = 3, size = 8): ModelDesc {
  const base = seedDesc('canonical', 2, cells, reductions);
  const node = (kind: 'normal' | 'reduction', i: number): NodeDesc => ({
    kind: 'sum', id: `n${i}`,
    edges: [0, 1].map((j) => {
      const input = i === 0 ? j : j + i; // node 1 reads s1 and node 0
      return { input, op, stride: kind === 'reduction' && input < 2 ? 2 : 1 };
    }),
  });
  return {
    ...base, input: { height: size, width: size, channels: 1 },
    cells: { normal: { nodes: [node('normal', 0), node('normal', 1)] }, reduction: { nodes: [node('reduction', 0), node('reduction', 1)] } },
  };
}

/** A random source that counts its draws and always returns `value`. */
function counting(value: number): { random: () => number; draws: () => number } {
  let n = 0;
  return { random: () => (n++, value), draws: () => n };
}

async function logitsOf(net: ReturnType<typeof buildNetwork>, x: tf.Tensor4D, training: boolean, prob: number, random: () => number) {
  const { logits, auxLogits, statUpdates } = net.forward(x, training, prob > 0 ? { dropPath: { prob, random } } : undefined);
  for (const u of statUpdates) u.value.dispose();
  const out = (await logits.data()) as Float32Array;
  tf.dispose([logits, ...(auxLogits ? [auxLogits] : [])]);
  return out;
}

describe('drop path', () => {
  beforeAll(() => useBackend('cpu'));

  it('ramps linearly from 0 at the first epoch to p·(E−1)/E at the last, and refuses p ≥ 1', () => {
    expect(dropPathProbAt(0.2, 0, 600)).toBe(0);
    expect(dropPathProbAt(0.2, 300, 600)).toBeCloseTo(0.1, 12);
    expect(dropPathProbAt(0.2, 599, 600)).toBeCloseTo(0.2 * 599 / 600, 12);
    expect(dropPathProbAt(0, 5, 10)).toBe(0);
    expect(() => dropPathProbAt(1, 1, 2)).toThrow(/\[0, 1\)/);
  });

  it('zeroes whole examples and scales the survivors by 1/(1−p)', async () => {
    const x = tf.ones([4, 2, 2, 3]) as tf.Tensor4D;
    const draws = [0.1, 0.9, 0.69, 0.71];
    let i = 0;
    const y = dropPath(x, { training: true, updates: [], dropPath: { prob: 0.3, random: () => draws[i++] ?? 0 } });
    const v = (await y.array()) as number[][][][];
    const perExample = v.map((ex) => [...new Set(ex.flat(2))]);
    expect(perExample.map((s) => s.length)).toEqual([1, 1, 1, 1]);
    expect(perExample.map((s) => s[0])).toEqual([1 / 0.7, 0, 1 / 0.7, 0].map((n) => Math.fround(n)));
    tf.dispose([x, y]);
  });

  it('is the identity in inference mode and at p = 0', () => {
    const x = tf.ones([2, 2, 2, 1]) as tf.Tensor4D;
    const r = counting(0.99);
    expect(dropPath(x, { training: false, updates: [], dropPath: { prob: 0.5, random: r.random } })).toBe(x);
    expect(dropPath(x, { training: true, updates: [], dropPath: { prob: 0, random: r.random } })).toBe(x);
    expect(r.draws()).toBe(0);
    x.dispose();
  });

  it('never wraps skip_connect (identity or factorized reduce) or none; wraps the others', () => {
    expect(dropsPath('skip_connect')).toBe(false);
    expect(dropsPath('none')).toBe(false);
    for (const op of ['max_pool_3x3', 'avg_pool_3x3', 'sep_conv_3x3', 'dil_conv_5x5', 'mbconv_r2'] as const) expect(dropsPath(op)).toBe(true);
  });

  it('leaves a network of skip edges untouched and draws nothing for it', async () => {
    const net = buildNetwork(uniformDesc('skip_connect'), { seed: 1 });
    const x = randomBatch(net.desc, 4, 2);
    const r = counting(0.999);
    const dropped = await logitsOf(net, x, true, 0.9, r.random);
    const plain = await logitsOf(net, x, true, 0, r.random);
    expect(r.draws()).toBe(0);
    expect(maxAbsDiff(dropped, plain)).toBe(0);
    tf.dispose(x);
    net.dispose();
  });

  it('draws one mask value per example per droppable edge and multi node, and changes the training output', async () => {
    const desc = uniformDesc('sep_conv_3x3');
    const net = buildNetwork(desc, { seed: 1 });
    const x = randomBatch(desc, 4, 2);
    const r = counting(0.999);
    const before = tf.memory().numTensors;
    const dropped = await logitsOf(net, x, true, 0.5, r.random);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.draws()).toBe(4 * desc.nCells * 4); // 4 examples × 3 cells × (2 nodes × 2 edges)
    const plain = await logitsOf(net, x, true, 0, r.random);
    expect(maxAbsDiff(dropped, plain)).toBeGreaterThan(1e-4);
    // Inference ignores the setting entirely.
    const inferDropped = await logitsOf(net, x, false, 0.5, r.random);
    const inferPlain = await logitsOf(net, x, false, 0, r.random);
    expect(maxAbsDiff(inferDropped, inferPlain)).toBe(0);
    tf.dispose(x);
    net.dispose();

    const finalised = growthChain('canonical').final;
    const multi = buildNetwork(finalised, { seed: 2 });
    const batch = { x: randomBatch(finalised, 3, 5) };
    const m = counting(0.5);
    await logitsOf(multi, batch.x, true, 0.2, m.random);
    const droppable = (['normal', 'reduction'] as const).map((kind) => finalised.cells[kind].nodes.reduce((n, node) =>
      n + (node.kind === 'multi' ? 1 : node.kind === 'sum' ? node.edges.filter((e) => dropsPath(e.op)).length : 0), 0));
    const cells = { normal: finalised.nCells - finalised.nReductions, reduction: finalised.nReductions };
    expect(m.draws()).toBe(3 * ((droppable[0] ?? 0) * cells.normal + (droppable[1] ?? 0) * cells.reduction));
    tf.dispose(batch.x);
    multi.dispose();
  });
});

describe('auxiliary tower', () => {
  beforeAll(() => useBackend('cpu'));

  it('sits on cell ⌊2n/3⌋ and only with more than one reduction', () => {
    expect(auxTowerCell({ nCells: 8, nReductions: 2 })).toBe(5);
    expect(auxTowerCell({ nCells: 20, nReductions: 2 })).toBe(13);
    expect(auxTowerCell({ nCells: 5, nReductions: 2 })).toBe(3);
    expect(auxTowerCell({ nCells: 8, nReductions: 1 })).toBeNull();
    const one = buildNetwork(seedDesc('canonical', 2, 3, 1), { seed: 1, auxTower: true });
    expect([...one.variables.keys()].some((p) => p.startsWith(AUX_PREFIX))).toBe(false);
    one.dispose();
  });

  it('on CIFAR-sized input pools 8×8 to 2×2 and convolves 2×2 to one 768-vector, as Archai', () => {
    const desc = { ...seedDesc('canonical', 1, 8, 2), input: { height: 32, width: 32, channels: 3 }, numClasses: 10 };
    const net = buildNetwork(desc, { seed: 1, auxTower: true });
    expect(net.variables.get(`${AUX_PREFIX}conv1`)?.shape).toEqual([1, 1, 16, 128]);
    expect(net.variables.get(`${AUX_PREFIX}conv2`)?.shape).toEqual([2, 2, 128, 768]);
    expect(net.variables.get(`${AUX_PREFIX}head/w`)?.shape).toEqual([768, 10]);
    net.dispose();
  });

  it('gives [N, classes] logits in training only, outside the parameter count and the kept weights', async () => {
    const desc = seedDesc('canonical', 2, 5, 2);
    const net = buildNetwork(desc, { seed: 4, auxTower: true });
    const x = randomBatch(desc, 3, 1);
    const before = tf.memory().numTensors;
    const train = net.forward(x, true);
    expect(train.auxLogits?.shape).toEqual([3, desc.numClasses]);
    for (const u of train.statUpdates) u.value.dispose();
    tf.dispose([train.logits, train.auxLogits as tf.Tensor]);
    const infer = net.forward(x, false);
    expect(infer.auxLogits).toBeUndefined();
    infer.logits.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const auxParams = [...net.variables].filter(([p, v]) => p.startsWith(AUX_PREFIX) && net.trainable.includes(v)).reduce((n, [, v]) => n + v.size, 0);
    expect(auxParams).toBeGreaterThan(0);
    const trainable = net.trainable.reduce((n, v) => n + v.size, 0);
    expect(trainable - auxParams).toBe(countCost(desc).params);

    // The kept weights load into the network without a tower with nothing missing and nothing left over.
    const kept = withoutAuxTower(net.getWeights());
    expect(kept.specs.some((s) => s.path.startsWith(AUX_PREFIX))).toBe(false);
    const plain = buildNetwork(desc, { seed: 9 });
    expect(kept.specs.map((s) => s.path)).toEqual([...plain.variables.keys()]);
    expect(plain.loadWeights(kept, null).fresh).toBe(0);
    const a = net.forward(x, false);
    const b = plain.forward(x, false);
    expect(maxAbsDiff(await a.logits.data(), await b.logits.data())).toBe(0);
    tf.dispose([a.logits, b.logits, x]);
    plain.dispose();
    net.dispose();
  });

  it('adds its cross-entropy with the aux weight, and refuses a weight without a tower', async () => {
    const y = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3).toFloat() as tf.Tensor2D;
    const logits = tf.tensor2d([[2, 0, 1], [0.5, 0.5, 3]]);
    const aux = tf.tensor2d([[0, 1, 0], [1, 0, 0]]);
    const ce = tf.losses.softmaxCrossEntropy(y, logits);
    const ceAux = tf.losses.softmaxCrossEntropy(y, aux);
    const { loss, ce: main } = phaseLoss(y, logits, aux, 0.4);
    const [l, m, c, ca] = await Promise.all([loss.data(), main.data(), ce.data(), ceAux.data()]);
    expect(l[0]).toBeCloseTo((c[0] ?? 0) + 0.4 * (ca[0] ?? 0), 5);
    expect(m[0]).toBeCloseTo(c[0] ?? 0, 6);
    expect(() => phaseLoss(y, logits, undefined, 0.4)).toThrow(/no auxiliary tower/);
    tf.dispose([y, logits, aux, ce, ceAux, loss, main]);
  });
});
