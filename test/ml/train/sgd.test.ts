import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Sgd } from '../../../src/ml/train/sgd.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const created: tf.Variable[] = [];
afterEach(() => {
  tf.dispose(created.splice(0));
});

function vars(): { w1: tf.Variable; w2: tf.Variable; w3: tf.Variable } {
  const mk = (v: number[]): tf.Variable => {
    const t = tf.tensor1d(v);
    const out = tf.variable(t);
    t.dispose();
    return out;
  };
  const w1 = mk([1, 2]);
  const w2 = mk([3]);
  const w3 = mk([5]);
  created.push(w1, w2, w3);
  return { w1, w2, w3 };
}

function step(sgd: Sgd, v: ReturnType<typeof vars>, g1: number[], g2: number[]): void {
  const grads = { [v.w1.name]: tf.tensor1d(g1), [v.w2.name]: tf.tensor1d(g2) };
  sgd.step(grads, 0.1);
  tf.dispose(Object.values(grads));
}

const config = { momentum: 0.9, weightDecay: 0.1, gradClip: 2.5 };

describe('Sgd', () => {
  it('matches a hand-computed two-step update with clipping, weight decay and momentum', () => {
    const before = tf.memory().numTensors;
    const v = vars();
    const sgd = new Sgd([{ path: 'a', variable: v.w1 }, { path: 'b', variable: v.w2 }, { path: 'c', variable: v.w3 }], config);
    // Step 1: ‖g‖ = 5 → scaled by ½; d = g/2 + 0.1·w; buf = d; w −= 0.1·buf.
    step(sgd, v, [3, 0], [4]);
    expect(Array.from(v.w1.dataSync())).toEqual([expect.closeTo(0.84, 5), expect.closeTo(1.98, 5)]);
    expect(v.w2.dataSync()[0]).toBeCloseTo(2.77, 5);
    // Step 2: ‖g‖ = 1 → no clipping; buf = 0.9·buf + g + 0.1·w.
    step(sgd, v, [0, 1], [0]);
    expect(Array.from(v.w1.dataSync())).toEqual([expect.closeTo(0.6876, 5), expect.closeTo(1.8422, 5)]);
    expect(v.w2.dataSync()[0]).toBeCloseTo(2.5353, 5);
    // A parameter without a gradient is left alone, weight decay included (PyTorch skips grad = None).
    expect(v.w3.dataSync()[0]).toBe(5);
    sgd.dispose();
    tf.dispose(created.splice(0));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('exports and imports its momentum buffers by path', async () => {
    const a = vars();
    const sgdA = new Sgd([{ path: 'a', variable: a.w1 }, { path: 'b', variable: a.w2 }], config);
    step(sgdA, a, [3, 0], [4]);
    const state = await sgdA.exportState();
    expect(state.steps).toBe(1);
    expect(state.buffers.specs.map((s) => s.path)).toEqual(['a', 'b']);
    expect(Array.from(state.buffers.data)).toEqual([expect.closeTo(1.6, 5), expect.closeTo(0.2, 5), expect.closeTo(2.3, 5)]);
    const b = vars();
    b.w1.assign(a.w1);
    b.w2.assign(a.w2);
    const sgdB = new Sgd([{ path: 'a', variable: b.w1 }, { path: 'b', variable: b.w2 }], config);
    sgdB.importState(state);
    step(sgdA, a, [0, 1], [0]);
    step(sgdB, b, [0, 1], [0]);
    expect(Array.from(b.w1.dataSync())).toEqual(Array.from(a.w1.dataSync()));
    expect(() => sgdB.importState({ steps: 0, buffers: { specs: [{ path: 'zz', shape: [1], offset: 0 }], data: new Float32Array(1) } }))
      .toThrow(/buffer path zz is not a parameter/);
    sgdA.dispose();
    sgdB.dispose();
  });
});
