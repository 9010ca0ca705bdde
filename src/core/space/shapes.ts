// Shape inference over a description: per cell its kind, channels and spatial sizes, and how its two inputs
// are pre-processed. The cost counter and the TF.js builder both walk the network through `cellPlans`.

import { cellKinds } from './model-desc.ts';
import type { CellKind, CellTemplate, ModelDesc, Stride } from './model-desc.ts';

export interface Spatial {
  height: number;
  width: number;
}

export interface StemPlan {
  inChannels: number;
  /** Channels of both stems: initNodeChannels × stemMultiplier. */
  channels: number;
  stride: Stride;
  inSize: Spatial;
  outSize: Spatial;
}

export interface CellPlan {
  index: number;
  kind: CellKind;
  template: CellTemplate;
  /** Node channels C of this cell (a reduction cell already uses the doubled C). */
  channels: number;
  /** Size of the cell's states s0 and s1, i.e. after pre-processing (both inputs end at this size). */
  inSize: Spatial;
  /** Size of every node output and of the cell output (halved, rounding up, in a reduction cell). */
  outSize: Spatial;
  /** x0 = output of cell i−2 (a stem for i < 2); FactorizedReduce when cell i−1 is a reduction cell. */
  pre0: { inChannels: number; inSize: Spatial; factorized: boolean };
  /** x1 = output of cell i−1 (stem 1 for i = 0); always ReLU → conv1×1 → BN. */
  pre1: { inChannels: number; inSize: Spatial };
}

/** Output size of a 'same'-padded op with this stride: ceil(n / stride). */
export function strided(size: Spatial, stride: Stride): Spatial {
  return { height: Math.ceil(size.height / stride), width: Math.ceil(size.width / stride) };
}

/** The input's downsampling factor (1 when the description has none). */
export function downsampleOf(desc: Pick<ModelDesc, 'downsample'>): number {
  return desc.downsample ?? 1;
}

/** The size the stem sees: the input after area averaging by the description's factor (⌊n / f⌋). */
export function networkInputSize(desc: Pick<ModelDesc, 'input' | 'downsample'>): Spatial {
  const f = downsampleOf(desc);
  return { height: Math.floor(desc.input.height / f), width: Math.floor(desc.input.width / f) };
}

export function stemPlan(desc: ModelDesc): StemPlan {
  const inSize = networkInputSize(desc);
  return {
    inChannels: desc.input.channels,
    channels: desc.initNodeChannels * desc.stemMultiplier,
    stride: desc.stemStride,
    inSize,
    outSize: strided(inSize, desc.stemStride),
  };
}

/** One plan per cell, in order. Assumes a structurally valid description (see validateDesc). */
export function cellPlans(desc: ModelDesc): CellPlan[] {
  const stem = stemPlan(desc);
  const kinds = cellKinds(desc);
  // Outputs of the two previous modules: [x0, x1] with their channels and sizes.
  let x0 = { channels: stem.channels, size: stem.outSize };
  let x1 = { channels: stem.channels, size: stem.outSize };
  let channels = desc.initNodeChannels;
  const plans: CellPlan[] = [];
  kinds.forEach((kind, index) => {
    if (kind === 'reduction') channels *= 2;
    const prevKind = index > 0 ? kinds[index - 1] : undefined;
    const outSize = strided(x1.size, kind === 'reduction' ? 2 : 1);
    plans.push({
      index,
      kind,
      template: kind === 'reduction' ? desc.cells.reduction : desc.cells.normal,
      channels,
      inSize: x1.size,
      outSize,
      pre0: { inChannels: x0.channels, inSize: x0.size, factorized: prevKind === 'reduction' },
      pre1: { inChannels: x1.channels, inSize: x1.size },
    });
    x0 = x1;
    x1 = { channels, size: outSize };
  });
  return plans;
}

/** Channels entering the linear head (the last cell's C, or the stem's when there are no cells). */
export function headInChannels(desc: ModelDesc): number {
  const plans = cellPlans(desc);
  const last = plans[plans.length - 1];
  return last ? last.channels : stemPlan(desc).channels;
}

/** The weight-path label of a state: 's0', 's1', or the id of the node that produces it. */
export function inputLabel(template: CellTemplate, stateId: number): string {
  if (stateId === 0) return 's0';
  if (stateId === 1) return 's1';
  const node = template.nodes[stateId - 2];
  if (!Number.isInteger(stateId) || !node) {
    throw new RangeError(`inputLabel: state ${stateId} does not exist (0..${template.nodes.length + 1})`);
  }
  return node.id;
}

/** The stride an edge from `stateId` must have in a cell of this kind. */
export function requiredStride(kind: CellKind, stateId: number): Stride {
  return kind === 'reduction' && stateId < 2 ? 2 : 1;
}
