// SGD with momentum and weight decay after clipping by global norm, with PyTorch's semantics
// (clip_grad_norm_ then optimizer.step): g ← g·min(1, clip/(‖g‖+1e-6)); d = g + wd·w; buf = m·buf + d; w −= lr·buf.
// Its momentum buffers are keyed by weight path so an epoch checkpoint can carry them.

import * as tf from '@tensorflow/tfjs';
import type { NamedWeights, WeightSpec } from '../../core/weights.ts';
import { weightValues } from '../../core/weights.ts';
import { readWeightsAsync } from '../weights/weights-io.ts';
import { SGD_STEP, useFused } from '../kernels/fused/register.ts';
import { sumAll } from '../ops/sum.ts';

export interface SgdConfig {
  momentum: number;
  weightDecay: number;
  /** Maximum global gradient norm; 0 or Infinity disables clipping. */
  gradClip: number;
}

/** The optimiser's state as plain data: the steps taken and the momentum buffer of every parameter by path. */
export interface SgdState {
  steps: number;
  buffers: NamedWeights;
}

export interface SgdParam {
  path: string;
  variable: tf.Variable;
}

export class Sgd {
  private readonly params: SgdParam[];
  private readonly buffers = new Map<string, tf.Variable>();
  private steps = 0;

  constructor(params: SgdParam[], private readonly config: SgdConfig) {
    this.params = params;
    const names = new Set<string>();
    for (const p of params) {
      if (names.has(p.variable.name)) throw new Error(`Sgd: variable ${p.variable.name} (${p.path}) is listed twice`);
      names.add(p.variable.name);
    }
  }

  /** One step with `grads` keyed by variable name (as `tf.variableGrads` returns them); does not dispose them. */
  step(grads: tf.NamedTensorMap, lr: number): void {
    const live = this.params.filter((p) => grads[p.variable.name] !== undefined);
    if (live.length === 0) return;
    if (useFused(SGD_STEP)) this.fusedStep(live, grads, lr);
    else this.compositeStep(live, grads, lr);
    this.steps++;
  }

  /**
   * The step as one kernel over every parameter (kernels/fused/sgd-step.ts) where the composite below
   * dispatches about nine per parameter. All parameters get a buffer on the first step, so either every
   * live parameter has one or none has.
   */
  private fusedStep(live: SgdParam[], grads: tf.NamedTensorMap, lr: number): void {
    const { momentum, weightDecay, gradClip } = this.config;
    const hasBuffers = live.every((p) => this.buffers.has(p.path));
    if (!hasBuffers && live.some((p) => this.buffers.has(p.path))) {
      this.compositeStep(live, grads, lr);
      return;
    }
    tf.tidy(() => {
      const inputs: tf.NamedTensorMap = {};
      live.forEach((p, i) => {
        inputs[`g${i}`] = grads[p.variable.name] as tf.Tensor;
        inputs[`w${i}`] = p.variable;
        if (hasBuffers) inputs[`b${i}`] = this.buffers.get(p.path) as tf.Variable;
      });
      const attrs = { count: live.length, lr, momentum, weightDecay, gradClip, hasBuffers };
      const out = tf.engine().runKernel(SGD_STEP, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      live.forEach((p, i) => {
        const nb = out[live.length + i] as tf.Tensor;
        const buf = this.buffers.get(p.path);
        if (buf) buf.assign(nb);
        else this.buffers.set(p.path, tf.variable(nb, false));
        p.variable.assign(out[i] as tf.Tensor);
      });
    });
  }

  private compositeStep(live: SgdParam[], grads: tf.NamedTensorMap, lr: number): void {
    const { momentum, weightDecay, gradClip } = this.config;
    tf.tidy(() => {
      const gs = live.map((p) => grads[p.variable.name] as tf.Tensor);
      let coef: tf.Tensor | null = null;
      if (gradClip > 0 && Number.isFinite(gradClip)) {
        // Summed in small groups: one AddN over ~100 gradients exceeds WebGPU's storage-buffer limit per shader.
        const norm = tf.sqrt(sumAll(gs.map((g) => tf.sum(tf.square(g)))));
        coef = tf.minimum(tf.scalar(1), tf.div(tf.scalar(gradClip), tf.add(norm, 1e-6)));
      }
      live.forEach((p, i) => {
        let d = gs[i] as tf.Tensor;
        if (coef) d = tf.mul(d, coef);
        if (weightDecay !== 0) d = tf.add(d, tf.mul(p.variable, weightDecay));
        const buf = this.buffers.get(p.path);
        if (buf) buf.assign(tf.add(tf.mul(buf, momentum), d));
        else this.buffers.set(p.path, tf.variable(d, false));
        const b = this.buffers.get(p.path) as tf.Variable;
        p.variable.assign(tf.sub(p.variable, tf.mul(b, lr)));
      });
    });
  }

  /** Reads the momentum buffers asynchronously (see readWeightsAsync for why not synchronously). */
  async exportState(): Promise<SgdState> {
    const buffers = new Map<string, tf.Tensor>();
    for (const p of this.params) {
      const buf = this.buffers.get(p.path);
      if (buf) buffers.set(p.path, buf);
    }
    return { steps: this.steps, buffers: await readWeightsAsync(buffers) };
  }


  /** Replaces the buffers with a saved state; every saved path must be a parameter of the same shape. */
  importState(state: SgdState): void {
    const byPath = new Map(this.params.map((p) => [p.path, p.variable]));
    for (const spec of state.buffers.specs) {
      const v = byPath.get(spec.path);
      if (!v) throw new Error(`Sgd.importState: buffer path ${spec.path} is not a parameter of this optimiser`);
      if (v.shape.join('x') !== spec.shape.join('x')) {
        throw new Error(`Sgd.importState: buffer ${spec.path} has shape [${spec.shape}], parameter has [${v.shape}]`);
      }
    }
    this.disposeBuffers();
    for (const spec of state.buffers.specs) {
      const t = tf.tensor(weightValues(state.buffers, spec).slice(), spec.shape, 'float32');
      this.buffers.set(spec.path, tf.variable(t, false));
      t.dispose();
    }
    this.steps = state.steps;
  }

  private disposeBuffers(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }

  dispose(): void {
    this.disposeBuffers();
  }
}
