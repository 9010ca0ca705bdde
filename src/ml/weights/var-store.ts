// Creates the network's variables by weight path, with seeded initialisation, and keeps them in one map.

import * as tf from '@tensorflow/tfjs';

/** A uniform [0, 1) source; one is made per weight path so a tensor's init does not depend on build order. */
export type UniformSource = () => number;

export interface BnVars {
  gamma: tf.Variable | null;
  beta: tf.Variable | null;
  mean: tf.Variable;
  variance: tf.Variable;
}

export class VarStore {
  readonly vars = new Map<string, tf.Variable>();
  readonly trainable: tf.Variable[] = [];

  constructor(private readonly sourceFor: (path: string) => UniformSource) {}

  /** Conv filter [kh, kw, in, out] (or depthwise [kh, kw, C, 1]), He/Kaiming-normal over the fan-in. */
  conv(path: string, shape: [number, number, number, number], depthwise = false): tf.Variable {
    const fanIn = shape[0] * shape[1] * (depthwise ? 1 : shape[2]);
    return this.normal(path, shape, Math.sqrt(2 / fanIn));
  }

  normal(path: string, shape: number[], std: number): tf.Variable {
    const next = this.sourceFor(path);
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i += 2) {
      // Box–Muller gives two independent normals per pair of uniforms.
      const u1 = 1 - next();
      const r = Math.sqrt(-2 * Math.log(u1)) * std;
      const t = 2 * Math.PI * next();
      data[i] = r * Math.cos(t);
      if (i + 1 < data.length) data[i + 1] = r * Math.sin(t);
    }
    return this.add(path, tf.tensor(data, shape), true);
  }

  uniform(path: string, shape: number[], low: number, high: number): tf.Variable {
    const next = this.sourceFor(path);
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * next();
    return this.add(path, tf.tensor(data, shape), true);
  }

  zeros(path: string, shape: number[], trainable = true): tf.Variable {
    return this.add(path, tf.zeros(shape), trainable);
  }

  /** Batch norm: gamma 1, beta 0 (only when affine), moving mean 0 and variance 1 (never trainable). */
  bn(path: string, channels: number, affine: boolean): BnVars {
    return {
      gamma: affine ? this.add(`${path}/gamma`, tf.ones([channels]), true) : null,
      beta: affine ? this.add(`${path}/beta`, tf.zeros([channels]), true) : null,
      mean: this.add(`${path}/mean`, tf.zeros([channels]), false),
      variance: this.add(`${path}/var`, tf.ones([channels]), false),
    };
  }

  /** Takes ownership of `init`; variables get no tfjs name because two networks may share paths. */
  private add(path: string, init: tf.Tensor, trainable: boolean): tf.Variable {
    if (this.vars.has(path)) throw new Error(`duplicate weight path "${path}"`);
    const v = tf.variable(init, trainable);
    init.dispose();
    this.vars.set(path, v);
    if (trainable) this.trainable.push(v);
    return v;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
    this.trainable.length = 0;
  }
}
