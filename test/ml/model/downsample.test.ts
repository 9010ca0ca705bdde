// The input-resolution knob (ModelDesc.downsample): the network takes the dataset's own images, averages f×f
// blocks first, and then behaves exactly like the same description built for the smaller input; the cost
// counter counts the averaging and the smaller cells; validation keeps the field and names a bad one.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { countCost } from '../../../src/core/cost/cost.ts';
import type { ModelDesc } from '../../../src/core/space/model-desc.ts';
import { modelDescSchema } from '../../../src/core/export/schema.ts';
import { makePreset } from '../../../src/core/presets.ts';
import { seedDescs } from '../../../src/core/space/seeds.ts';
import { stemPlan } from '../../../src/core/space/shapes.ts';
import { DescError, validateDesc } from '../../../src/core/space/validate-desc.ts';
import { buildNetwork } from '../../../src/ml/model/network.ts';
import { useBackend } from '../backends.ts';
import { maxAbsDiff, randomBatch, seedDesc } from '../fixtures.ts';

const full = (): ModelDesc => ({ ...seedDesc('canonical', 2, 3, 1, 5), input: { height: 16, width: 16, channels: 1 } });
const halved = (): ModelDesc => ({ ...full(), downsample: 2 });
const small = (): ModelDesc => ({ ...full(), input: { height: 8, width: 8, channels: 1 } });

describe('downsample: the network (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('takes the full-size images and equals the small-input network fed with 2×2 block means', async () => {
    const before = tf.memory().numTensors;
    const a = buildNetwork(halved(), { seed: 4 });
    const b = buildNetwork(small(), { seed: 4 });
    const x = randomBatch(halved(), 3, 9);
    const pooled = tf.avgPool(x, 2, 2, 'valid');
    for (const training of [false, true]) {
      const ya = a.forward(x, training);
      const yb = b.forward(pooled, training);
      expect(maxAbsDiff(await ya.logits.data(), await yb.logits.data())).toBeLessThan(1e-5);
      tf.dispose([ya.logits, yb.logits, ...ya.statUpdates.map((u) => u.value), ...yb.statUpdates.map((u) => u.value)]);
    }
    expect(() => a.forward(pooled, false)).toThrow(/expected \[N, 16, 16, 1\]/);
    tf.dispose([x, pooled]);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('downsample: cost, shapes, seeds and validation', () => {
  it('counts the averaging layer and the smaller network', () => {
    const withKnob = countCost(halved());
    const without = countCost(small());
    const layer = withKnob.layers.find((l) => l.path === 'input/downsample');
    // 2×2 block means over a 16×16×1 input: 4 products and sums per each of 8×8 outputs.
    expect(layer?.madd).toBe(4 * 8 * 8);
    expect(withKnob.madd).toBe(without.madd + 4 * 8 * 8);
    expect(withKnob.params).toBe(without.params);
    expect(countCost(full()).madd).toBeGreaterThan(3.5 * without.madd);
    expect(stemPlan({ ...full(), input: { height: 9, width: 7, channels: 1 }, downsample: 2 }).inSize).toEqual({ height: 4, width: 3 });
  });

  it('is set on every seed by the preset and survives validation and the storage schema', () => {
    const preset = makePreset('tiny', { inputDownsample: 2 });
    for (const { desc } of seedDescs(preset, { height: 28, width: 28, channels: 1 }, 10)) {
      expect(desc.downsample).toBe(2);
      expect(validateDesc(JSON.parse(JSON.stringify(desc)))).toEqual(desc);
      expect(modelDescSchema.parse(JSON.parse(JSON.stringify(desc)))).toEqual(desc);
    }
    expect(seedDescs(makePreset('tiny'), { height: 28, width: 28, channels: 1 }, 10)[0]?.desc.downsample).toBeUndefined();
    expect(() => makePreset('tiny', { inputDownsample: 1.5 })).toThrow(/preset.inputDownsample: 1.5/);
  });

  it('names a bad factor', () => {
    const bad = (v: unknown): unknown => validateDesc({ ...full(), downsample: v });
    expect(() => bad(0)).toThrow(DescError);
    expect(() => bad(0)).toThrow(/downsample/);
    expect(() => bad(17)).toThrow(/downsample: 17 is larger than the 16×16 input/);
    expect(() => bad(2.5)).toThrow(/downsample/);
    // 16 / 8 = 2×2 leaves too little for the reduction cell's stride 2 after... the stem keeps 2×2, which is allowed.
    expect(() => bad(16)).toThrow(/too small|shrinks/);
  });
});
