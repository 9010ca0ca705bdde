// Validation of one cell template: node kinds, ids, input references, strides and primitive names.

import { DescError, readArray, readFinite, readInt, readObject, readOneOf, show } from './desc-error.ts';
import { requiredStride } from './shapes.ts';
import type { CellKind, CellTemplate, ChoiceDesc, EdgeDesc, NodeDesc, PrimitiveName, Stride } from './model-desc.ts';

export const MAX_NODES = 64;
const NODE_ID = /^[np][0-9]{1,6}$/;
const NODE_KINDS = ['sum', 'candidate', 'multi'] as const;
const STRIDES: readonly Stride[] = [1, 2];

interface Ctx {
  kind: CellKind;
  ops: readonly PrimitiveName[];
  /** Node index i: its inputs must be states 0..i+1. */
  index: number;
}

function readInput(x: unknown, path: string, ctx: Ctx): number {
  const last = ctx.index + 1;
  if (typeof x !== 'number' || !Number.isInteger(x)) throw new DescError(path, `${show(x)} is not an integer`);
  if (x < 0 || x > last) throw new DescError(path, `${x} is not an earlier state (0..${last})`);
  return x;
}

function readStride(x: unknown, path: string, input: number, ctx: Ctx): Stride {
  const stride = readOneOf(x, path, STRIDES);
  const want = requiredStride(ctx.kind, input);
  if (stride !== want) {
    const from = input < 2 ? `s${input}` : 'a node';
    throw new DescError(path, `${stride} but an input from ${from} in a ${ctx.kind} cell needs stride ${want}`);
  }
  return stride;
}

function readEdge(x: unknown, path: string, ctx: Ctx): EdgeDesc {
  const o = readObject(x, path);
  const input = readInput(o.input, `${path}.input`, ctx);
  const op = readOneOf(o.op, `${path}.op`, ctx.ops);
  return { input, op, stride: readStride(o.stride, `${path}.stride`, input, ctx) };
}

function readChoice(x: unknown, path: string, ctx: Ctx): ChoiceDesc {
  const edge = readEdge(x, path, ctx);
  return { ...edge, alpha: readFinite(readObject(x, path).alpha, `${path}.alpha`) };
}

function readCandidate(o: Record<string, unknown>, path: string, id: string, ctx: Ctx): NodeDesc {
  const rawInputs = readArray(o.inputs, `${path}.inputs`, 1, ctx.index + 2);
  const inputs = rawInputs.map((x, j) => readInput(x, `${path}.inputs[${j}]`, ctx));
  const dup = inputs.findIndex((s, j) => inputs.indexOf(s) !== j);
  if (dup >= 0) throw new DescError(`${path}.inputs[${dup}]`, `state ${inputs[dup]} is listed twice`);
  const rawStrides = readArray(o.strides, `${path}.strides`, inputs.length, inputs.length);
  const strides = rawStrides.map((x, j) => readStride(x, `${path}.strides[${j}]`, inputs[j] as number, ctx));
  const rawPrims = readArray(o.primitives, `${path}.primitives`, 1, ctx.ops.length);
  const primitives = rawPrims.map((x, p) => readOneOf(x, `${path}.primitives[${p}]`, ctx.ops));
  const dupP = primitives.findIndex((p, j) => primitives.indexOf(p) !== j);
  if (dupP >= 0) throw new DescError(`${path}.primitives[${dupP}]`, `${primitives[dupP]} is listed twice`);
  return { kind: 'candidate', id, inputs, strides, primitives };
}

function readMulti(o: Record<string, unknown>, path: string, id: string, ctx: Ctx): NodeDesc {
  const raw = readArray(o.choices, `${path}.choices`, 1, (ctx.index + 2) * ctx.ops.length);
  const choices = raw.map((x, j) => readChoice(x, `${path}.choices[${j}]`, ctx));
  const keys = choices.map((c) => `${c.input}/${c.op}`);
  const dup = keys.findIndex((k, j) => keys.indexOf(k) !== j);
  // Branch weights live at in_{input}/{op}: two equal pairs would share one path.
  if (dup >= 0) throw new DescError(`${path}.choices[${dup}]`, `(input, op) pair ${keys[dup]} is chosen twice`);
  return { kind: 'multi', id, choices };
}

function readNode(x: unknown, path: string, ctx: Ctx): NodeDesc {
  const o = readObject(x, path);
  const kind = readOneOf(o.kind, `${path}.kind`, NODE_KINDS);
  if (typeof o.id !== 'string' || !NODE_ID.test(o.id)) {
    throw new DescError(`${path}.id`, `${show(o.id)} is not a node id (n0, n1, … for seed nodes; p1, p2, … grown)`);
  }
  if (kind === 'candidate') return readCandidate(o, path, o.id, ctx);
  if (kind === 'multi') return readMulti(o, path, o.id, ctx);
  const raw = readArray(o.edges, `${path}.edges`, 1, 16);
  return { kind: 'sum', id: o.id, edges: raw.map((e, j) => readEdge(e, `${path}.edges[${j}]`, ctx)) };
}

/** A checked copy of a template; `ops` are the primitives the description's space allows. */
export function readTemplate(x: unknown, path: string, kind: CellKind, ops: readonly PrimitiveName[]): CellTemplate {
  const o = readObject(x, path);
  const raw = readArray(o.nodes, `${path}.nodes`, 1, MAX_NODES);
  const nodes = raw.map((n, index) => readNode(n, `${path}.nodes[${index}]`, { kind, ops, index }));
  const ids = nodes.map((n) => n.id);
  const dup = ids.findIndex((id, j) => ids.indexOf(id) !== j);
  if (dup >= 0) throw new DescError(`${path}.nodes[${dup}].id`, `${ids[dup]} is used by more than one node`);
  const candidates = nodes.filter((n) => n.kind === 'candidate').length;
  if (candidates > 1) {
    throw new DescError(`${path}.nodes`, `has ${candidates} candidate nodes; α is one matrix per cell type, so at most 1`);
  }
  return { nodes };
}
