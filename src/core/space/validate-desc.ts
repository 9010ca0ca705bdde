// Validation of a model description from untrusted JSON (imports, storage, workers): every problem is a
// DescError that names the field path, the value and what was expected.

import { DescError, readInt, readObject, readOneOf, show } from './desc-error.ts';
import { needsEvenChannels, spacePrimitives } from './primitives.ts';
import { cellPlans, stemPlan } from './shapes.ts';
import type { Spatial } from './shapes.ts';
import { readTemplate } from './validate-template.ts';
import type { CellTemplate, ModelDesc, SearchSpaceName, Stride } from './model-desc.ts';

export { DescError } from './desc-error.ts';

const SPACES: readonly SearchSpaceName[] = ['canonical', 'ecv2022'];
const STRIDES: readonly Stride[] = [1, 2];

function readInput(x: unknown): ModelDesc['input'] {
  const o = readObject(x, 'input');
  return {
    height: readInt(o.height, 'input.height', 1, 4096),
    width: readInt(o.width, 'input.width', 1, 4096),
    channels: readInt(o.channels, 'input.channels', 1, 1024),
  };
}

function checkMacro(nCells: number, nReductions: number): void {
  if (nCells < 2 * nReductions + 1) {
    throw new DescError(
      'nCells',
      `${nCells} cells cannot hold ${nReductions} reductions: need nCells ≥ 2·nReductions+1 = ${2 * nReductions + 1}`,
    );
  }
}

function checkTemplatesAgree(normal: CellTemplate, reduction: CellTemplate): void {
  if (normal.nodes.length !== reduction.nodes.length) {
    throw new DescError(
      'cells.reduction.nodes',
      `has ${reduction.nodes.length} nodes but cells.normal has ${normal.nodes.length}; both templates need the same count`,
    );
  }
  const hasCand = (t: CellTemplate): boolean => t.nodes.some((n) => n.kind === 'candidate');
  if (hasCand(normal) !== hasCand(reduction)) {
    const [yes, no] = hasCand(normal) ? ['normal', 'reduction'] : ['reduction', 'normal'];
    throw new DescError(`cells.${no}.nodes`, `has no candidate node but cells.${yes} has one; growth adds one to both`);
  }
}

/** Whether a template contains a FactorizedReduce (a stride-2 skip_connect anywhere). */
function hasFactorizedOp(t: CellTemplate): boolean {
  return t.nodes.some((n) => {
    if (n.kind === 'sum') return n.edges.some((e) => needsEvenChannels(e.op, e.stride));
    if (n.kind === 'multi') return n.choices.some((c) => needsEvenChannels(c.op, c.stride));
    return n.strides.some((s) => n.primitives.some((p) => needsEvenChannels(p, s)));
  });
}

function tooSmall(size: Spatial): boolean {
  return size.height < 2 || size.width < 2;
}

/** Channel parity (FactorizedReduce splits C in two halves) and spatial sizes before every stride 2. */
function checkShapes(desc: ModelDesc): void {
  const stem = stemPlan(desc);
  if (desc.stemStride === 2 && tooSmall(stem.inSize)) {
    throw new DescError('input', `${stem.inSize.height}×${stem.inSize.width} (after downsampling) is too small for a stride-2 stem (min 2×2)`);
  }
  for (const plan of cellPlans(desc)) {
    const needsEven = plan.pre0.factorized || hasFactorizedOp(plan.template);
    if (needsEven && plan.channels % 2 !== 0) {
      throw new DescError(
        'initNodeChannels',
        `${desc.initNodeChannels} gives ${plan.channels} channels in cell ${plan.index}, which needs an even count for FactorizedReduce`,
      );
    }
    if (plan.kind === 'reduction' && tooSmall(plan.inSize)) {
      throw new DescError(
        'input',
        `${desc.input.height}×${desc.input.width} shrinks to ${plan.inSize.height}×${plan.inSize.width} before reduction cell ${plan.index} (min 2×2); use fewer reductions or a stride-1 stem`,
      );
    }
  }
}

/** A checked, normalised copy of `x` (unknown fields are dropped), or a DescError naming the bad field. */
export function validateDesc(x: unknown): ModelDesc {
  const o = readObject(x, 'desc');
  if (o.version !== 1) throw new DescError('version', `${show(o.version)} is not a supported version (1)`);
  const space = readOneOf(o.space, 'space', SPACES);
  const input = readInput(o.input);
  const downsample = o.downsample === undefined ? undefined : readInt(o.downsample, 'downsample', 1, 64);
  if (downsample !== undefined && (downsample > input.height || downsample > input.width)) {
    throw new DescError('downsample', `${downsample} is larger than the ${input.height}×${input.width} input, leaving no pixel`);
  }
  const numClasses = readInt(o.numClasses, 'numClasses', 2, 100_000);
  const initNodeChannels = readInt(o.initNodeChannels, 'initNodeChannels', 1, 4096);
  const stemMultiplier = readInt(o.stemMultiplier, 'stemMultiplier', 1, 64);
  const stemStride = readOneOf(o.stemStride, 'stemStride', STRIDES);
  const nCells = readInt(o.nCells, 'nCells', 1, 256);
  const nReductions = readInt(o.nReductions, 'nReductions', 0, 16);
  checkMacro(nCells, nReductions);
  const cells = readObject(o.cells, 'cells');
  const ops = spacePrimitives(space);
  const normal = readTemplate(cells.normal, 'cells.normal', 'normal', ops);
  const reduction = readTemplate(cells.reduction, 'cells.reduction', 'reduction', ops);
  checkTemplatesAgree(normal, reduction);
  const desc: ModelDesc = {
    version: 1,
    space,
    input,
    ...(downsample !== undefined ? { downsample } : {}),
    numClasses,
    initNodeChannels,
    stemMultiplier,
    stemStride,
    nCells,
    nReductions,
    cells: { normal, reduction },
  };
  checkShapes(desc);
  return desc;
}
