// MAdd and parameter counting of a whole description (tensorwatch's rules, spec §6), layer by layer, for the
// description's own input shape; candidate nodes are costed too (every branch, BN without affine).

import { bnLayer, convLayer, downsampleLayer, factorizedReduce, linearLayer, primitiveLayers, reluConvBn } from './layer-cost.ts';
import type { LayerCost } from './layer-cost.ts';
import { cellPlans, downsampleOf, headInChannels, inputLabel, stemPlan } from '../space/shapes.ts';
import type { CellPlan, Spatial } from '../space/shapes.ts';
import type { ModelDesc, NodeDesc } from '../space/model-desc.ts';

export type { LayerCost, LayerKind, ParamShape } from './layer-cost.ts';

export interface ModelCost {
  madd: number;
  params: number;
  layers: LayerCost[];
}

function stemLayers(desc: ModelDesc): LayerCost[] {
  const stem = stemPlan(desc);
  const f = downsampleOf(desc);
  const down = f > 1 ? [downsampleLayer('input/downsample', stem.inChannels, f, stem.inSize)] : [];
  return [
    ...down,
    ...['stem0', 'stem1'].flatMap((name) => [
      convLayer(`${name}/conv`, stem.inChannels, stem.channels, 3, stem.outSize),
      bnLayer(`${name}/bn`, stem.channels, stem.outSize, true),
    ]),
  ];
}

function preLayers(plan: CellPlan, prefix: string): LayerCost[] {
  const c = plan.channels;
  const pre0 = plan.pre0.factorized
    ? factorizedReduce(`${prefix}/pre0`, plan.pre0.inChannels, c, plan.pre0.inSize, true)
    : reluConvBn(`${prefix}/pre0`, plan.pre0.inChannels, c, plan.pre0.inSize);
  return [...pre0, ...reluConvBn(`${prefix}/pre1`, plan.pre1.inChannels, c, plan.pre1.inSize)];
}

function nodeLayers(plan: CellPlan, node: NodeDesc, prefix: string): LayerCost[] {
  const c = plan.channels;
  const sizeOf = (state: number): Spatial => (state < 2 ? plan.inSize : plan.outSize);
  const path = `${prefix}/${node.id}`;
  const branch = (input: number): string => `${path}/in_${inputLabel(plan.template, input)}`;
  switch (node.kind) {
    case 'sum':
      return node.edges.flatMap((e, j) =>
        primitiveLayers(`${path}/e${j}/${e.op}`, e.op, c, e.stride, sizeOf(e.input), true),
      );
    case 'candidate':
      return node.inputs.flatMap((input, j) =>
        node.primitives.flatMap((op) =>
          primitiveLayers(`${branch(input)}/${op}`, op, c, node.strides[j] ?? 1, sizeOf(input), false),
        ),
      );
    case 'multi':
      return [
        ...node.choices.flatMap((ch) =>
          primitiveLayers(`${branch(ch.input)}/${ch.op}`, ch.op, c, ch.stride, sizeOf(ch.input), true),
        ),
        convLayer(`${path}/proj/conv`, node.choices.length * c, c, 1, plan.outSize),
        bnLayer(`${path}/proj/bn`, c, plan.outSize, true),
      ];
  }
}

/** Every layer of cell i: pre-processing, nodes in order, then the projection of all node outputs. */
export function cellLayers(plan: CellPlan): LayerCost[] {
  const prefix = `cell${plan.index}`;
  const c = plan.channels;
  const nNodes = plan.template.nodes.length;
  return [
    ...preLayers(plan, prefix),
    ...plan.template.nodes.flatMap((node) => nodeLayers(plan, node, prefix)),
    convLayer(`${prefix}/proj/conv`, nNodes * c, c, 1, plan.outSize),
    bnLayer(`${prefix}/proj/bn`, c, plan.outSize, true),
  ];
}

/** Total MAdd and parameters of the network a description builds, with the per-layer breakdown. */
export function countCost(desc: ModelDesc): ModelCost {
  const layers = [
    ...stemLayers(desc),
    ...cellPlans(desc).flatMap(cellLayers),
    linearLayer('head', headInChannels(desc), desc.numClasses),
  ];
  let madd = 0;
  let params = 0;
  for (const l of layers) {
    madd += l.madd;
    params += l.params;
  }
  return { madd, params, layers };
}

/** Short human form of a count: 850, 12.3K, 12.3M, 1.2G. */
export function formatMadd(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(Math.round(n));
}
