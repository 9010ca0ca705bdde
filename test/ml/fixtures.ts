// Tiny descriptions for the ml tests: a seed, the seed with a candidate, the finalised child and a second
// candidate on top, in both search spaces (8×8 inputs, C = 4).

import * as tf from '@tensorflow/tfjs';
import type { ModelDesc, SearchSpaceName } from '../../src/core/space/model-desc.ts';
import { STEM_STRIDE } from '../../src/core/space/primitives.ts';
import { createRng } from '../../src/core/rng.ts';
import { buildSeedDesc } from '../../src/core/space/seeds.ts';
import { finalizeCandidate, insertCandidate } from '../../src/core/space/grow.ts';
import type { NamedWeights } from '../../src/core/weights.ts';

export function seedDesc(space: SearchSpaceName, nodes = 2, cells = 3, reductions = 1, seed = 7): ModelDesc {
  return buildSeedDesc({
    space,
    input: { height: 8, width: 8, channels: 1 },
    numClasses: 3,
    initNodeChannels: 4,
    stemMultiplier: 2,
    stemStride: STEM_STRIDE[space],
    macro: { cells, reductions, nodes },
    rng: createRng(seed),
  });
}

/** α rows for finalisation, deterministic and distinct so the top 3 are well defined. */
function fakeAlphas(desc: ModelDesc, kind: 'normal' | 'reduction'): number[][] {
  const node = desc.cells[kind].nodes.find((n) => n.kind === 'candidate');
  if (!node || node.kind !== 'candidate') throw new Error(`no candidate in ${kind}`);
  return node.inputs.map((_, j) => node.primitives.map((_, p) => Math.sin(1 + 7 * j + p)));
}

export function growthChain(space: SearchSpaceName): { seed: ModelDesc; child: ModelDesc; final: ModelDesc; child2: ModelDesc } {
  const seed = seedDesc(space);
  const child = insertCandidate(seed, space);
  const final = finalizeCandidate(child, { normal: fakeAlphas(child, 'normal'), reduction: fakeAlphas(child, 'reduction') }, 3).desc;
  const child2 = insertCandidate(final, space);
  return { seed, child, final, child2 };
}

/** Weights that are clearly not the initial ones ("trained"): every value moved, variances kept positive. */
export function perturbed(w: NamedWeights, seed: number): NamedWeights {
  const rng = createRng(seed);
  const data = new Float32Array(w.data);
  for (const s of w.specs) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const isVar = s.path.endsWith('/var');
    for (let i = s.offset; i < s.offset + size; i++) {
      const v = data[i] ?? 0;
      data[i] = isVar ? v * (0.5 + rng.next()) : v + 0.3 * rng.normal();
    }
  }
  return { specs: w.specs.map((s) => ({ ...s, shape: [...s.shape] })), data };
}

export function randomBatch(desc: ModelDesc, n: number, seed: number): tf.Tensor4D {
  const rng = createRng(seed);
  const { height, width, channels } = desc.input;
  const data = Float32Array.from({ length: n * height * width * channels }, () => rng.normal());
  return tf.tensor4d(data, [n, height, width, channels]);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}
