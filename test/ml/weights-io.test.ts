// Weight inheritance (by path and shape, cell-projection row blocks), the zeroed rows of a newly finalised
// node, and the ArrayBuffer codec with its corrupt-buffer checks.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { countCost } from '../../src/core/cost/cost.ts';
import { buildNetwork } from '../../src/ml/model/network.ts';
import {
  deserializeWeights, newMultiNodeIds, serializeWeights, zeroNewNodeProjection,
} from '../../src/ml/weights/weights-io.ts';
import { useBackend } from './backends.ts';
import { growthChain, maxAbsDiff, perturbed, randomBatch } from './fixtures.ts';

beforeAll(() => useBackend('cpu'));

const alphaSize = (d: ReturnType<typeof growthChain>['child']) =>
  (['normal', 'reduction'] as const).reduce((n, k) => {
    const c = d.cells[k].nodes.find((x) => x.kind === 'candidate');
    return n + (c && c.kind === 'candidate' ? c.inputs.length * c.primitives.length : 0);
  }, 0);

describe('inheritance', () => {
  it('seed → child: every seed parameter is inherited (projection rows by node), the candidate is fresh', () => {
    const { seed, child } = growthChain('canonical');
    const parent = buildNetwork(seed, { seed: 1 });
    const w = perturbed(parent.getWeights(), 2);
    const kid = buildNetwork(child, { seed: 3 });
    const report = kid.loadWeights(w, seed);
    expect(report.inherited).toBe(countCost(seed).params);
    expect(report.inherited + report.fresh).toBe(countCost(child).params + alphaSize(child));
    // The n1 block of cell0's projection moved from rows [C, 2C) to [2C, 3C); the p1 block kept its init.
    const c = 4;
    const pRows = parent.variables.get('cell0/proj/conv');
    const spec = w.specs.find((s) => s.path === 'cell0/proj/conv');
    const kRows = kid.variables.get('cell0/proj/conv')?.dataSync() ?? new Float32Array();
    const pData = w.data.subarray(spec?.offset ?? 0, (spec?.offset ?? 0) + (pRows?.size ?? 0));
    expect(maxAbsDiff(kRows.subarray(2 * c * c, 3 * c * c), pData.subarray(c * c, 2 * c * c))).toBe(0);
    expect(maxAbsDiff(kRows.subarray(0, c * c), pData.subarray(0, c * c))).toBe(0);
    expect(kRows.subarray(c * c, 2 * c * c).some((v) => v !== 0)).toBe(true);
    for (const n of [parent, kid]) n.dispose();
  });

  it('child → finalised: branch convs carry over; BN affine, biases and projections of the new node are fresh', () => {
    const { child, final } = growthChain('ecv2022');
    const search = buildNetwork(child, { seed: 1 });
    const w = search.getWeights();
    const post = buildNetwork(final, { seed: 2 });
    const report = post.loadWeights(w, child);
    const have = new Map(countCost(child).layers.flatMap((l) => l.weights.map((x) => [x.path, x.shape.join('x')])));
    const fresh = countCost(final).layers.flatMap((l) => l.weights)
      .filter((x) => have.get(x.path) !== x.shape.join('x'))
      .reduce((n, x) => n + x.shape.reduce((a, b) => a * b, 1), 0);
    expect(fresh).toBeGreaterThan(0);
    expect(report).toEqual({ inherited: countCost(final).params - fresh, fresh });
    for (const n of [search, post]) n.dispose();
  });

  it('zeroNewNodeProjection: post-training starts from the search network\'s function', () => {
    const { child, final } = growthChain('canonical');
    const search = buildNetwork(child, { seed: 1 });
    search.loadWeights(perturbed(search.getWeights(), 5), null);
    const w = search.getWeights();
    const post = buildNetwork(final, { seed: 2 });
    post.loadWeights(w, child);
    const ids = newMultiNodeIds(final, w);
    expect(ids).toEqual(['p1']);
    expect(zeroNewNodeProjection(post, ids)).toBe(4 * 4 + 8 * 8 + 8 * 8); // cells N R N with C = 4, 8, 8
    const x = randomBatch(child, 3, 1);
    const a = search.forward(x, false).logits.dataSync();
    const b = post.forward(x, false).logits.dataSync();
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
    // The new node's rows get a gradient at the first step.
    const { grads } = tf.variableGrads(() => {
      const r = post.forward(x, true);
      tf.dispose(r.statUpdates.map((u) => u.value));
      return r.logits.square().mean() as tf.Scalar;
    }, post.trainable);
    const proj = post.variables.get('cell0/proj/conv');
    expect(grads[proj?.name ?? '']?.dataSync().slice(16, 32).some((v) => v !== 0)).toBe(true);
    tf.dispose(grads);
    for (const n of [search, post]) n.dispose();
  });
});

describe('serialize / deserialize', () => {
  const net = () => buildNetwork(growthChain('canonical').child, { seed: 8 });

  it('round-trips paths, shapes and every float exactly', () => {
    const n = net();
    const w = n.getWeights();
    const back = deserializeWeights(serializeWeights(w));
    expect(back.specs).toEqual(w.specs);
    expect(maxAbsDiff(back.data, w.data)).toBe(0);
    n.dispose();
  });

  it('rejects corrupt buffers with a clear error', () => {
    const n = net();
    const buf = serializeWeights(n.getWeights());
    n.dispose();
    expect(() => deserializeWeights(buf.slice(0, buf.byteLength - 4))).toThrow(/corrupt.*expected \d+/);
    expect(() => deserializeWeights(new ArrayBuffer(3))).toThrow(/shorter/);
    const badMagic = buf.slice(0);
    new DataView(badMagic).setUint32(0, 0x12345678, true);
    expect(() => deserializeWeights(badMagic)).toThrow(/magic/);
    const badLen = buf.slice(0);
    new DataView(badLen).setUint32(4, 1e9, true);
    expect(() => deserializeWeights(badLen)).toThrow(/header length/);
    const garbled = buf.slice(0);
    new Uint8Array(garbled)[9] = 0x7b;
    expect(() => deserializeWeights(garbled)).toThrow(/JSON|specs/);
    const tiny = serializeWeights({ specs: [{ path: 'a', shape: [2, 2], offset: 1 }], data: new Float32Array(4) });
    expect(() => deserializeWeights(tiny)).toThrow(/offset of "a"/);
  });
});
