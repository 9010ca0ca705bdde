// The model description: plain JSON data that says everything needed to build, cost and grow a network.
// Cells of one type share one template (Archai builds one random recipe per cell type, and Petridish grows
// every cell of a type the same way because α is shared per type), so the description stores two templates
// plus the macro shape; `cellKinds` expands them into the per-cell layout.

export type PrimitiveName =
  | 'max_pool_3x3'
  | 'avg_pool_3x3'
  | 'skip_connect'
  | 'sep_conv_3x3'
  | 'sep_conv_5x5'
  | 'dil_conv_3x3'
  | 'dil_conv_5x5'
  | 'mbconv_r1'
  | 'mbconv_r2'
  | 'mbconv_r3'
  | 'none';

export type Stride = 1 | 2;
export type CellKind = 'normal' | 'reduction';
/** `canonical` is Archai's 2020 configuration; `ecv2022` the later variant (mbconv ops, stride-2 stems). */
export type SearchSpaceName = 'canonical' | 'ecv2022';

/** One edge of a seed node: `op` applied to state `input` (0 = s0, 1 = s1, 2 + i = node i). */
export interface EdgeDesc {
  input: number;
  op: PrimitiveName;
  stride: Stride;
}

/** One chosen (input, primitive) pair of a finalised candidate, with the α that selected it. */
export interface ChoiceDesc extends EdgeDesc {
  alpha: number;
}

/**
 * A node of a cell. Every node has a stable `id` that never changes when nodes are inserted, so that weight
 * paths (`cell3/n1/e0/...`) survive growth and a child inherits its parent's weights by name.
 * - `sum`: a seed node, the plain sum of its edges.
 * - `candidate`: the Petridish candidate during the search phase: every (input, primitive) pair, weighted by α,
 *   stop-gradient on the inputs and stop-forward on the output.
 * - `multi`: a finalised candidate: the chosen branches, concatenated, then 1×1 conv and batch norm.
 */
export type NodeDesc =
  | { kind: 'sum'; id: string; edges: EdgeDesc[] }
  | { kind: 'candidate'; id: string; inputs: number[]; strides: Stride[]; primitives: PrimitiveName[] }
  | { kind: 'multi'; id: string; choices: ChoiceDesc[] };

export interface CellTemplate {
  nodes: NodeDesc[];
}

export interface ModelDesc {
  /** Schema version of the description itself. */
  version: 1;
  space: SearchSpaceName;
  /** The images the network takes: the dataset's own shape (a downloaded model takes the dataset's images). */
  input: { height: number; width: number; channels: number };
  /**
   * Input resolution knob: the network first averages non-overlapping f×f blocks (area averaging; a partial
   * block at the bottom or right edge is dropped), so the cells see ⌊height/f⌋×⌊width/f⌋. Absent = 1.
   */
  downsample?: number;
  numClasses: number;
  /** Channels of the first cells' nodes (C); doubles at each reduction cell. */
  initNodeChannels: number;
  /** Stem output channels = initNodeChannels × stemMultiplier. */
  stemMultiplier: number;
  stemStride: Stride;
  nCells: number;
  nReductions: number;
  cells: { normal: CellTemplate; reduction: CellTemplate };
}

/** Indices of the reduction cells: ⌊n(i+1)/(R+1)⌋ for i = 0..R−1. */
export function reductionIndices(nCells: number, nReductions: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < nReductions; i++) out.push(Math.floor((nCells * (i + 1)) / (nReductions + 1)));
  return out;
}

/** The kind of every cell, in order. */
export function cellKinds(desc: Pick<ModelDesc, 'nCells' | 'nReductions'>): CellKind[] {
  const red = new Set(reductionIndices(desc.nCells, desc.nReductions));
  return Array.from({ length: desc.nCells }, (_, i) => (red.has(i) ? 'reduction' : 'normal'));
}

/** The macro triple that tags a pool point. */
export interface MacroTriple {
  cells: number;
  reductions: number;
  nodes: number;
}
