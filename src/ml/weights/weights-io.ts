// Weights in and out of a network: NamedWeights ↔ variables, inheritance by path and shape (with the cell
// projection's per-node row blocks), and the zeroed projection rows of a freshly finalised node.

import * as tf from '@tensorflow/tfjs';
import type { ModelDesc } from '../../core/space/model-desc.ts';
import type { InheritanceReport } from '../../core/search-types.ts';
import { cellPlans } from '../../core/space/shapes.ts';
import { weightValues, type NamedWeights, type WeightSpec } from '../../core/weights.ts';
import type { Network } from '../model/network-types.ts';

export { deserializeWeights, serializeWeights } from './weights-codec.ts';

const CELL_PROJ = /^cell(\d+)\/proj\/conv$/;

/** A copy of every variable, in the network's build order (a stable order for a given description). */
export function readWeights(vars: ReadonlyMap<string, tf.Variable>): NamedWeights {
  const specs: WeightSpec[] = [];
  let offset = 0;
  for (const [path, v] of vars) {
    specs.push({ path, shape: [...v.shape], offset });
    offset += v.size;
  }
  const data = new Float32Array(offset);
  let i = 0;
  for (const v of vars.values()) {
    data.set(v.dataSync() as Float32Array, specs[i]?.offset ?? 0);
    i++;
  }
  return { specs, data };
}

/**
 * Like `readWeights` but reads asynchronously, every tensor at once. The only way on WebGPU in Node (no
 * OffscreenCanvas), and the right way in the browser too: TF.js's synchronous WebGPU reads go through a canvas
 * per tensor, which in long runs exhausted the renderer's buffer mappings (createBuffer RangeErrors).
 */
export async function readWeightsAsync(vars: ReadonlyMap<string, tf.Tensor>): Promise<NamedWeights> {
  const specs: WeightSpec[] = [];
  let offset = 0;
  for (const [path, v] of vars) {
    specs.push({ path, shape: [...v.shape], offset });
    offset += v.size;
  }
  const parts = await Promise.all([...vars.values()].map((v) => v.data() as Promise<Float32Array>));
  const data = new Float32Array(offset);
  parts.forEach((part, i) => data.set(part, specs[i]?.offset ?? 0));
  return { specs, data };
}

function assign(v: tf.Variable, values: Float32Array): void {
  const t = tf.tensor(values, v.shape);
  v.assign(t);
  t.dispose();
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Node ids of cell `index` in a description, or null when the description has no such cell. */
function nodeIdsOf(desc: ModelDesc, index: number): string[] | null {
  const plan = cellPlans(desc)[index];
  return plan ? plan.template.nodes.map((n) => n.id) : null;
}

/**
 * The cell projection's input rows are per-node blocks of C rows in node order; copies the blocks of nodes
 * the parent also had. Returns how many scalars were copied (0 when the shapes do not fit that layout).
 * Built from tensor ops rather than a read-back, which the WebGPU backend cannot do synchronously in Node.
 */
function inheritProjection(net: Network, v: tf.Variable, cell: number, parent: Float32Array,
  parentShape: readonly number[], parentDesc: ModelDesc): number {
  const childIds = nodeIdsOf(net.desc, cell);
  const parentIds = nodeIdsOf(parentDesc, cell);
  const c = v.shape[3] ?? 0;
  if (!childIds || !parentIds || parentShape.length !== 4 || parentShape[3] !== c) return 0;
  if (parentShape[2] !== parentIds.length * c || v.shape[2] !== childIds.length * c) return 0;
  const sources = childIds.map((id) => parentIds.indexOf(id));
  const copied = sources.filter((j) => j >= 0).length * c * c;
  if (copied === 0) return 0;
  tf.tidy(() => {
    const p = tf.tensor4d(parent, [1, 1, parentIds.length * c, c]);
    const block = (t: tf.Tensor, i: number) => t.slice([0, 0, i * c, 0], [1, 1, c, c]);
    v.assign(tf.concat(sources.map((j, i) => (j >= 0 ? block(p, j) : block(v, i))), 2));
  });
  return copied;
}

/**
 * Copies in every tensor whose path and shape match, plus the cell projections' per-node blocks. Counts
 * are scalar parameters of the trainable variables (weights and α); moving statistics are copied too but
 * are not parameters, so they are not counted.
 */
export function loadNamedWeights(net: Network, weights: NamedWeights, parentDesc: ModelDesc | null): InheritanceReport {
  const byPath = new Map(weights.specs.map((s) => [s.path, s]));
  const trainable = new Set(net.trainable);
  let inherited = 0;
  let fresh = 0;
  for (const [path, v] of net.variables) {
    const spec = byPath.get(path);
    let copied = 0;
    if (spec && sameShape(spec.shape, v.shape)) {
      assign(v, weightValues(weights, spec));
      copied = v.size;
    } else if (spec && parentDesc) {
      const m = CELL_PROJ.exec(path);
      if (m) copied = inheritProjection(net, v, Number(m[1]), weightValues(weights, spec), spec.shape, parentDesc);
    }
    if (trainable.has(v)) {
      inherited += copied;
      fresh += v.size - copied;
    }
  }
  return { inherited, fresh };
}

/**
 * Ids of `multi` nodes whose own projection is missing from `weights`: the nodes that just went from
 * candidate to multi (a candidate has no projection), i.e. the ones `zeroNewNodeProjection` is for.
 */
export function newMultiNodeIds(desc: ModelDesc, weights: NamedWeights): string[] {
  const paths = new Set(weights.specs.map((s) => s.path));
  const ids = new Set<string>();
  for (const plan of cellPlans(desc)) {
    for (const n of plan.template.nodes) {
      if (n.kind === 'multi' && !paths.has(`cell${plan.index}/${n.id}/proj/conv`)) ids.add(n.id);
    }
  }
  return [...ids];
}

/**
 * Called by the trainer for post_train, after `loadWeights`: sets the cell-projection rows of the given
 * (just finalised) nodes to zero in every cell that has them. Why zero: post-training then starts from
 * exactly the search network's function and error (the new node adds nothing yet), and the rows still get a
 * gradient at the first step because the new node's output is non-zero. Returns the scalars zeroed.
 */
export function zeroNewNodeProjection(net: Network, nodeIds: readonly string[]): number {
  let zeroed = 0;
  for (const plan of cellPlans(net.desc)) {
    const v = net.variables.get(`cell${plan.index}/proj/conv`);
    const ids = plan.template.nodes.map((n) => n.id);
    if (!v || !ids.some((id) => nodeIds.includes(id))) continue;
    const c = plan.channels;
    tf.tidy(() => {
      const blocks = ids.map((id, i) => {
        const b = v.slice([0, 0, i * c, 0], [1, 1, c, c]);
        return nodeIds.includes(id) ? tf.zerosLike(b) : b;
      });
      v.assign(tf.concat(blocks, 2));
    });
    zeroed += ids.filter((id) => nodeIds.includes(id)).length * c * c;
  }
  return zeroed;
}
