// Growth of a description: inserting the Petridish candidate node (§2.1) and finalising it from α (§2.4).

import { CANDIDATE_PRIMITIVES } from './primitives.ts';
import { requiredStride } from './shapes.ts';
import type {
  CellKind,
  CellTemplate,
  ChoiceDesc,
  MacroTriple,
  ModelDesc,
  NodeDesc,
  SearchSpaceName,
} from './model-desc.ts';
import type { CandidateChoices } from '../search-types.ts';

const GROWN_ID = /^p\d+$/;

export function macroOf(desc: ModelDesc): MacroTriple {
  return { cells: desc.nCells, reductions: desc.nReductions, nodes: desc.cells.normal.nodes.length };
}

/** A deep copy through JSON: descriptions are plain data by design. */
function cloneDesc(desc: ModelDesc): ModelDesc {
  return JSON.parse(JSON.stringify(desc)) as ModelDesc;
}

function grownCount(template: CellTemplate): number {
  return template.nodes.filter((n) => GROWN_ID.test(n.id)).length;
}

function insertInto(template: CellTemplate, kind: CellKind, id: string, space: SearchSpaceName): void {
  const k = template.nodes.length;
  if (k < 1) throw new Error(`insertCandidate: the ${kind} template has no node; a seed needs at least one`);
  if (template.nodes.some((n) => n.kind === 'candidate')) {
    throw new Error(`insertCandidate: the ${kind} template already has a candidate; finalise it first`);
  }
  // States 0..k are s0, s1 and every node but the last (which is state k+1); the last node stays last, so
  // no existing input id changes.
  const inputs = Array.from({ length: k + 1 }, (_, s) => s);
  const node: NodeDesc = {
    kind: 'candidate',
    id,
    inputs,
    strides: inputs.map((s) => requiredStride(kind, s)),
    primitives: [...CANDIDATE_PRIMITIVES[space]],
  };
  template.nodes.splice(k - 1, 0, node);
}

/** A copy of `desc` with a candidate node `p{k}` just before the last node of both templates. */
export function insertCandidate(desc: ModelDesc, space: SearchSpaceName): ModelDesc {
  const out = cloneDesc(desc);
  const id = `p${1 + grownCount(out.cells.normal)}`;
  if (out.cells.reduction.nodes.some((n) => n.id === id) || out.cells.normal.nodes.some((n) => n.id === id)) {
    throw new Error(`insertCandidate: node id ${id} is already taken`);
  }
  insertInto(out.cells.normal, 'normal', id, space);
  insertInto(out.cells.reduction, 'reduction', id, space);
  return out;
}

/**
 * The topK (input, primitive) pairs by |α| over all inputs, never `none`. Ties go to the lower input index,
 * then the earlier primitive, so the choice is deterministic.
 */
export function selectChoices(
  node: Extract<NodeDesc, { kind: 'candidate' }>,
  alphas: readonly (readonly number[])[],
  topK: number,
  where: string,
): ChoiceDesc[] {
  if (alphas.length !== node.inputs.length) {
    throw new Error(`${where}: α has ${alphas.length} rows but the candidate has ${node.inputs.length} inputs`);
  }
  const pairs: { j: number; p: number; alpha: number }[] = [];
  alphas.forEach((row, j) => {
    if (row.length !== node.primitives.length) {
      throw new Error(`${where}: α row ${j} has ${row.length} values, expected ${node.primitives.length}`);
    }
    row.forEach((alpha, p) => {
      if (!Number.isFinite(alpha)) throw new Error(`${where}: α[${j}][${p}] is ${alpha}, expected a finite number`);
      if (node.primitives[p] !== 'none') pairs.push({ j, p, alpha });
    });
  });
  pairs.sort((a, b) => Math.abs(b.alpha) - Math.abs(a.alpha) || a.j - b.j || a.p - b.p);
  return pairs.slice(0, topK).map(({ j, p, alpha }) => ({
    input: node.inputs[j] as number,
    op: node.primitives[p] as ChoiceDesc['op'],
    stride: node.strides[j] as ChoiceDesc['stride'],
    alpha,
  }));
}

function finalizeTemplate(template: CellTemplate, kind: CellKind, alphas: number[][], topK: number): ChoiceDesc[] {
  const index = template.nodes.findIndex((n) => n.kind === 'candidate');
  const node = template.nodes[index];
  if (!node || node.kind !== 'candidate') throw new Error(`finalizeCandidate: the ${kind} template has no candidate`);
  const choices = selectChoices(node, alphas, topK, `finalizeCandidate (${kind})`);
  if (choices.length === 0) throw new Error(`finalizeCandidate (${kind}): no primitive other than none to choose`);
  template.nodes[index] = { kind: 'multi', id: node.id, choices };
  return choices.map((c) => ({ ...c }));
}

/** Turns the candidate of both templates into a `multi` node with the same id, recording the chosen α. */
export function finalizeCandidate(
  desc: ModelDesc,
  alphas: { normal: number[][]; reduction: number[][] },
  topK: number,
): { desc: ModelDesc; choices: CandidateChoices } {
  if (!Number.isInteger(topK) || topK < 1) throw new RangeError(`finalizeCandidate: topK must be ≥ 1, got ${topK}`);
  const out = cloneDesc(desc);
  const normal = finalizeTemplate(out.cells.normal, 'normal', alphas.normal, topK);
  const reduction = finalizeTemplate(out.cells.reduction, 'reduction', alphas.reduction, topK);
  return { desc: out, choices: { normal, reduction } };
}
