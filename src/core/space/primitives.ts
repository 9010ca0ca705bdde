// The primitive op lists of each search space: what a candidate node may choose from and what random seed
// edges are drawn from.

import type { PrimitiveName, SearchSpaceName, Stride } from './model-desc.ts';

/** Every primitive the description format knows, in a stable order. */
export const ALL_PRIMITIVES = [
  'max_pool_3x3',
  'avg_pool_3x3',
  'skip_connect',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'dil_conv_3x3',
  'dil_conv_5x5',
  'mbconv_r1',
  'mbconv_r2',
  'mbconv_r3',
  'none',
] as const satisfies readonly PrimitiveName[];

/**
 * Petridish's candidate primitives per space (Archai's `PetridishOp.PRIMITIVES`). The order is the α column
 * order and breaks finalisation ties; `none` stays last.
 */
export const CANDIDATE_PRIMITIVES: Record<SearchSpaceName, readonly PrimitiveName[]> = {
  canonical: [
    'max_pool_3x3',
    'avg_pool_3x3',
    'skip_connect',
    'sep_conv_3x3',
    'sep_conv_5x5',
    'dil_conv_3x3',
    'dil_conv_5x5',
    'none',
  ],
  ecv2022: [
    'max_pool_3x3',
    'avg_pool_3x3',
    'skip_connect',
    'sep_conv_3x3',
    'dil_conv_3x3',
    'mbconv_r3',
    'mbconv_r2',
    'mbconv_r1',
    'none',
  ],
};

/** The 7 ops random seed edges are drawn from (Archai's random cell builder); never `none`. */
export const SEED_EDGE_OPS: readonly PrimitiveName[] = [
  'max_pool_3x3',
  'avg_pool_3x3',
  'skip_connect',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'dil_conv_3x3',
  'dil_conv_5x5',
];

/**
 * Seed-edge ops per space. ECV keeps the same 7 ops: in Archai the random seed builder has its own fixed op
 * list that the 2022 change to the candidate list did not touch, so ECV seeds may contain 5×5 convolutions
 * while its candidates never add one; keeping it makes our ECV seeds match Archai's ECV runs.
 */
export const SEED_EDGE_OPS_BY_SPACE: Record<SearchSpaceName, readonly PrimitiveName[]> = {
  canonical: SEED_EDGE_OPS,
  ecv2022: SEED_EDGE_OPS,
};

/** Ops a description of this space may use anywhere (seed edges, candidates, finalised choices). */
export function spacePrimitives(space: SearchSpaceName): readonly PrimitiveName[] {
  const allowed = new Set<PrimitiveName>([...CANDIDATE_PRIMITIVES[space], ...SEED_EDGE_OPS_BY_SPACE[space]]);
  return ALL_PRIMITIVES.filter((p) => allowed.has(p));
}

/** Stem stride per space: ECV 2022 uses stride-2 stems (32×32 → 16×16), the canonical space stride 1. */
export const STEM_STRIDE: Record<SearchSpaceName, Stride> = { canonical: 1, ecv2022: 2 };

/** Expansion ratio of an mbconv primitive, or null for the others. */
export function mbconvRatio(op: PrimitiveName): number | null {
  if (op === 'mbconv_r1') return 1;
  if (op === 'mbconv_r2') return 2;
  if (op === 'mbconv_r3') return 3;
  return null;
}

/** Whether the op at this stride contains a FactorizedReduce, which needs an even channel count. */
export function needsEvenChannels(op: PrimitiveName, stride: Stride): boolean {
  return op === 'skip_connect' && stride === 2;
}
