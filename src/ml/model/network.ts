// Builds a TF.js network from a model description: named variables plus a forward function (the anatomy
// shared with the cost counter in src/core/cost/cost.ts).

import * as tf from '@tensorflow/tfjs';
import type { CellKind, ModelDesc, NodeDesc } from '../../core/space/model-desc.ts';
import { createRng, deriveSeed } from '../../core/rng.ts';
import { cellPlans, downsampleOf, headInChannels, stemPlan } from '../../core/space/shapes.ts';
import type { NamedWeights } from '../../core/weights.ts';
import { auxTowerPlan, buildAuxTower, type AuxTower } from './aux-tower.ts';
import { buildCell } from './cell.ts';
import type { ForwardOptions, ForwardResult, Network, StatUpdate } from './network-types.ts';
import { batchNormLayer } from '../ops/batch-norm.ts';
import type { Layer, Mode } from '../ops/layer.ts';
import { VarStore } from '../weights/var-store.ts';
import { loadNamedWeights, readWeights } from '../weights/weights-io.ts';

export const ALPHA_INIT_RANGE = 0.1;

function candidateOf(desc: ModelDesc, kind: CellKind): Extract<NodeDesc, { kind: 'candidate' }> | null {
  const found = desc.cells[kind].nodes.filter((n) => n.kind === 'candidate');
  if (found.length > 1) throw new Error(`cells.${kind}: ${found.length} candidate nodes, at most one is allowed`);
  const node = found[0];
  return node && node.kind === 'candidate' ? node : null;
}

/** α per cell type, shared by every cell of that type, uniform(−0.1, 0.1); null without a candidate. */
function buildAlphas(store: VarStore, desc: ModelDesc): Record<CellKind, tf.Variable | null> {
  const make = (kind: CellKind): tf.Variable | null => {
    const node = candidateOf(desc, kind);
    if (!node) return null;
    const shape = [node.inputs.length, node.primitives.length];
    return store.uniform(`alpha/${kind}`, shape, -ALPHA_INIT_RANGE, ALPHA_INIT_RANGE);
  };
  return { normal: make('normal'), reduction: make('reduction') };
}

function buildStem(store: VarStore, desc: ModelDesc, name: string): Layer {
  const plan = stemPlan(desc);
  const w = store.conv(`${name}/conv`, [3, 3, plan.inChannels, plan.channels]);
  const bn = batchNormLayer(store, `${name}/bn`, plan.channels, true);
  return (x, mode) => bn(tf.conv2d(x, w as tf.Tensor4D, plan.stride, 'same'), mode);
}

interface BodyOutput {
  logits: tf.Tensor2D;
  /** The auxiliary tower's logits, in training mode when the network has a tower. */
  auxLogits?: tf.Tensor2D;
}

function buildBody(store: VarStore, desc: ModelDesc, alphas: Record<CellKind, tf.Variable | null>, auxTower: boolean) {
  const stem0 = buildStem(store, desc, 'stem0');
  const stem1 = buildStem(store, desc, 'stem1');
  const cells = cellPlans(desc).map((plan) => buildCell(store, plan, alphas[plan.kind]));
  const cIn = headInChannels(desc);
  const headW = store.normal('head/w', [cIn, desc.numClasses], Math.sqrt(1 / cIn));
  const headB = store.zeros('head/b', [desc.numClasses]);
  // Built after the head so that every other variable keeps its place in the weight order.
  const auxPlan = auxTower ? auxTowerPlan(desc) : null;
  const aux: AuxTower | null = auxPlan ? buildAuxTower(store, auxPlan, desc.numClasses) : null;
  const auxAt = auxPlan?.index ?? -1;
  const f = downsampleOf(desc);
  return (input: tf.Tensor4D, mode: Mode): BodyOutput => {
    // The resolution knob: area averaging of f×f blocks inside the network, so the model takes the dataset's images.
    const x = f > 1 ? tf.avgPool(input, f, f, 'valid') : input;
    let s0 = stem0(x, mode);
    let s1 = stem1(x, mode);
    let auxLogits: tf.Tensor2D | undefined;
    cells.forEach((cell, i) => {
      [s0, s1] = [s1, cell(s0, s1, mode)];
      if (aux && i === auxAt && mode.training) auxLogits = aux(s1, mode);
    });
    const logits = tf.mean(s1, [1, 2]).matMul(headW as tf.Tensor2D).add(headB) as tf.Tensor2D;
    return auxLogits ? { logits, auxLogits } : { logits };
  };
}

function checkInput(desc: ModelDesc, x: tf.Tensor4D): void {
  const [, h, w, c] = x.shape;
  const { height, width, channels } = desc.input;
  if (h !== height || w !== width || c !== channels) {
    throw new Error(`forward: input batch has shape [${x.shape.join(', ')}], expected [N, ${height}, ${width}, ${channels}]`);
  }
}

export interface BuildOptions {
  seed: number;
  /**
   * Adds the auxiliary tower (final training only) when the model has more than one reduction; its variables
   * live under `aux/` and it runs only in training mode (see aux-tower.ts).
   */
  auxTower?: boolean;
}

/**
 * Every variable is created here with its anatomy path; each gets its own random stream derived from
 * (seed, path), so a tensor's initial value does not depend on which other tensors the description has.
 */
export function buildNetwork(desc: ModelDesc, opts: BuildOptions): Network {
  const store = new VarStore((path) => createRng(deriveSeed(opts.seed, 'weights', path)).next);
  let body: (x: tf.Tensor4D, mode: Mode) => BodyOutput;
  let alphas: Record<CellKind, tf.Variable | null>;
  try {
    alphas = buildAlphas(store, desc);
    body = buildBody(store, desc, alphas, opts.auxTower ?? false);
  } catch (err) {
    store.dispose();
    throw err;
  }
  const network: Network = {
    desc,
    variables: store.vars,
    trainable: store.trainable,
    alphas,
    forward(x: tf.Tensor4D, training: boolean, fopts?: ForwardOptions): ForwardResult {
      checkInput(desc, x);
      const mode: Mode = { training, updates: [], ...(fopts?.dropPath ? { dropPath: fopts.dropPath } : {}) };
      const out = tf.tidy(() => body(x, mode) as unknown as tf.TensorContainerObject) as unknown as BodyOutput;
      return { ...out, statUpdates: mode.updates };
    },
    applyStatUpdates(updates: StatUpdate[]): void {
      for (const u of updates) {
        u.variable.assign(u.value);
        u.value.dispose();
      }
    },
    getWeights: (): NamedWeights => readWeights(store.vars),
    loadWeights: (weights, parentDesc) => loadNamedWeights(network, weights, parentDesc),
    dispose: () => store.dispose(),
  };
  return network;
}
