// Seed models: the (reductions, cells, nodes) grid of §1.2 and the random two-edge cells of §1.3.

import { createRng, deriveSeed } from '../rng.ts';
import type { Rng } from '../rng.ts';
import { SEED_EDGE_OPS_BY_SPACE, STEM_STRIDE } from './primitives.ts';
import { requiredStride } from './shapes.ts';
import type {
  CellKind,
  CellTemplate,
  EdgeDesc,
  MacroTriple,
  ModelDesc,
  PrimitiveName,
  SearchSpaceName,
  Stride,
} from './model-desc.ts';
import type { SearchPreset } from '../training/training-config.ts';

/** Every macro triple of the grid in Archai's loop order (reductions, then cells, then nodes), n ≥ 2R+1. */
export function seedGrid(grid: SearchPreset['seedGrid']): MacroTriple[] {
  const out: MacroTriple[] = [];
  for (let reductions = grid.reductions[0]; reductions <= grid.reductions[1]; reductions++) {
    for (let cells = grid.cells[0]; cells <= grid.cells[1]; cells++) {
      if (cells < 2 * reductions + 1) continue;
      for (let nodes = grid.nodes[0]; nodes <= grid.nodes[1]; nodes++) out.push({ cells, reductions, nodes });
    }
  }
  return out;
}

/**
 * A random cell: node i gets 2 edges whose inputs are drawn without replacement from states 0..i+1 and whose
 * ops are drawn with replacement from `ops`; in a reduction cell edges from s0/s1 have stride 2.
 */
export function randomCellTemplate(
  rng: Rng,
  nNodes: number,
  kind: CellKind,
  ops: readonly PrimitiveName[],
): CellTemplate {
  if (!Number.isInteger(nNodes) || nNodes < 1) throw new RangeError(`randomCellTemplate: nNodes must be ≥ 1, got ${nNodes}`);
  const nodes: CellTemplate['nodes'] = [];
  for (let i = 0; i < nNodes; i++) {
    const nStates = i + 2;
    const first = rng.int(nStates);
    let second = rng.int(nStates - 1);
    if (second >= first) second++;
    const edges: EdgeDesc[] = [first, second].map((input) => ({
      input,
      op: rng.pick(ops),
      stride: requiredStride(kind, input),
    }));
    nodes.push({ kind: 'sum', id: `n${i}`, edges });
  }
  return { nodes };
}

export interface SeedDescOptions {
  space: SearchSpaceName;
  input: ModelDesc['input'];
  numClasses: number;
  initNodeChannels: number;
  stemMultiplier: number;
  stemStride: Stride;
  macro: MacroTriple;
  rng: Rng;
  /** Input downsampling factor (ModelDesc.downsample); absent or 1 = none. */
  downsample?: number;
}

/** A seed model: one random template for the normal cells, then one for the reduction cells. */
export function buildSeedDesc(opts: SeedDescOptions): ModelDesc {
  const ops = SEED_EDGE_OPS_BY_SPACE[opts.space];
  const normal = randomCellTemplate(opts.rng, opts.macro.nodes, 'normal', ops);
  const reduction = randomCellTemplate(opts.rng, opts.macro.nodes, 'reduction', ops);
  return {
    version: 1,
    space: opts.space,
    input: { ...opts.input },
    ...(opts.downsample !== undefined && opts.downsample > 1 ? { downsample: opts.downsample } : {}),
    numClasses: opts.numClasses,
    initNodeChannels: opts.initNodeChannels,
    stemMultiplier: opts.stemMultiplier,
    stemStride: opts.stemStride,
    nCells: opts.macro.cells,
    nReductions: opts.macro.reductions,
    cells: { normal, reduction },
  };
}

/** A random seed-style model of a preset's width and space (used by the seed grid and the random baseline). */
export function presetSeedDesc(preset: SearchPreset, input: ModelDesc['input'], numClasses: number, macro: MacroTriple, rng: Rng): ModelDesc {
  return buildSeedDesc({
    space: preset.space,
    input,
    numClasses,
    initNodeChannels: preset.initNodeChannels,
    stemMultiplier: preset.stemMultiplier,
    stemStride: STEM_STRIDE[preset.space],
    macro,
    rng,
    downsample: preset.inputDownsample,
  });
}

/**
 * The seed models of a preset. Each macro triple gets its own stream derived from the run seed, so a seed's
 * cells do not depend on the grid's extent or order. The stem stride follows the space (STEM_STRIDE).
 */
export function seedDescs(
  preset: SearchPreset,
  input: ModelDesc['input'],
  numClasses: number,
): { macro: MacroTriple; desc: ModelDesc }[] {
  return seedGrid(preset.seedGrid).map((macro) => ({
    macro,
    desc: presetSeedDesc(preset, input, numClasses, macro, createRng(deriveSeed(preset.seed, 'seed', macro.reductions, macro.cells, macro.nodes))),
  }));
}
