// A minimal Network for the trainer's tests: dense logits plus an α-weighted second branch and a batch-norm
// style moving mean, so weights, α, statistics and checkpoints all go through the real interfaces.

import * as tf from '@tensorflow/tfjs';
import type { ModelDesc } from '../../../src/core/space/model-desc.ts';
import type { NamedWeights, WeightSpec } from '../../../src/core/weights.ts';
import { weightValues } from '../../../src/core/weights.ts';
import type { ForwardResult, Network, StatUpdate } from '../../../src/ml/model/network-types.ts';
import { createRng } from '../../../src/core/rng.ts';

export const tinyDesc = (h: number, w: number, c: number, numClasses: number): ModelDesc => ({
  version: 1, space: 'canonical', input: { height: h, width: w, channels: c }, numClasses, initNodeChannels: 4,
  stemMultiplier: 1, stemStride: 1, nCells: 1, nReductions: 0,
  cells: { normal: { nodes: [] }, reduction: { nodes: [] } },
});

export function tinyNetwork(desc: ModelDesc, seed: number, withAlpha: boolean): Network {
  const rng = createRng(seed);
  const inDim = desc.input.height * desc.input.width * desc.input.channels;
  const k = desc.numClasses;
  const init = (shape: number[], scale: number): tf.Tensor =>
    tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-scale, scale)), shape);
  const vars = new Map<string, tf.Variable>();
  const add = (path: string, t: tf.Tensor, trainable = true): tf.Variable => {
    const v = tf.variable(t, trainable);
    t.dispose();
    vars.set(path, v);
    return v;
  };
  const w = add('head/w', init([inDim, k], 0.1));
  const b = add('head/b', tf.zeros([k]));
  const mm = add('bn/moving_mean', tf.zeros([inDim]), false);
  const v2 = withAlpha ? add('cand/w', init([inDim, k], 0.1)) : null;
  const alpha = withAlpha ? add('cand/alpha', init([2, 3], 0.1)) : null;
  const trainable = [w, b, ...(v2 ? [v2] : []), ...(alpha ? [alpha] : [])];
  return {
    desc, variables: vars, trainable, alphas: { normal: alpha, reduction: null },
    forward(x: tf.Tensor4D, training: boolean): ForwardResult {
      const [logits, update] = tf.tidy(() => {
        const flat = tf.reshape(x, [x.shape[0], inDim]) as tf.Tensor2D;
        const mean = training ? tf.mean(flat, 0) : mm;
        const centred = tf.sub(flat, mean) as tf.Tensor2D;
        let out = tf.add(tf.matMul(centred, w), b) as tf.Tensor2D;
        if (v2 && alpha) out = tf.add(out, tf.mul(tf.matMul(centred, v2), tf.sum(alpha))) as tf.Tensor2D;
        return [out, tf.add(tf.mul(mm, 0.9), tf.mul(mean, 0.1))];
      }) as [tf.Tensor2D, tf.Tensor];
      if (!training) update.dispose();
      return { logits, statUpdates: training ? [{ variable: mm, value: update }] : [] };
    },
    applyStatUpdates(updates: StatUpdate[]): void {
      for (const u of updates) {
        u.variable.assign(u.value);
        u.value.dispose();
      }
    },
    getWeights(): NamedWeights {
      const specs: WeightSpec[] = [];
      let offset = 0;
      const parts = [...vars.entries()].sort(([a], [b2]) => a.localeCompare(b2)).map(([path, v]) => {
        specs.push({ path, shape: v.shape.slice(), offset });
        offset += v.size;
        return v.dataSync() as Float32Array;
      });
      const data = new Float32Array(offset);
      parts.forEach((p, i) => data.set(p, specs[i]!.offset));
      return { specs, data };
    },
    loadWeights(weights: NamedWeights) {
      let inherited = 0;
      for (const spec of weights.specs) {
        const v = vars.get(spec.path);
        if (!v || v.shape.join() !== spec.shape.join()) continue;
        const t = tf.tensor(weightValues(weights, spec), spec.shape);
        v.assign(t);
        t.dispose();
        inherited += v.size;
      }
      const total = [...vars.values()].reduce((n, v) => n + v.size, 0);
      return { inherited, fresh: total - inherited };
    },
    dispose(): void {
      for (const v of vars.values()) v.dispose();
    },
  };
}

/** A learnable synthetic dataset: class c has a bright c-th row band plus noise. */
export function syntheticSplit(count: number, h: number, w: number, c: number, numClasses: number, seed: number) {
  const rng = createRng(seed);
  const images = new Uint8Array(count * h * w * c);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const y = n % numClasses;
    labels[n] = y;
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w * c; j++) {
        const band = Math.floor((i * numClasses) / h) === y;
        images[(n * h + i) * w * c + j] = Math.min(255, Math.floor((band ? 160 : 40) + rng.uniform(0, 90)));
      }
    }
  }
  return { images, labels, count };
}
