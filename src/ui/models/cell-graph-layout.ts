// Where the parts of a cell drawing go: the two inputs on the left, one column per node, the output concat on
// the right, and one labelled edge per sum edge or chosen multi branch (with its α).

import type { CellTemplate } from '../../core/space/model-desc.ts';

export interface GraphBox {
  id: string;
  label: string;
  kind: 'input' | 'sum' | 'multi' | 'output';
  x: number;
  y: number;
}

export interface GraphEdge {
  from: GraphBox;
  to: GraphBox;
  label: string;
  /** Branch of a finalised (multi) node. */
  chosen: boolean;
  /** Spreads the labels of edges that end at the same node. */
  slot: number;
}

export interface CellGraphLayout {
  boxes: GraphBox[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

const COL = 170;
const ROW = 70;
const PAD = 50;

export function layoutCell(template: CellTemplate): CellGraphLayout {
  const n = template.nodes.length;
  const height = PAD * 2 + ROW * 3;
  const mid = PAD + ROW * 1.5;
  const states: GraphBox[] = [
    { id: 's0', label: 's0', kind: 'input', x: PAD + 20, y: mid - ROW },
    { id: 's1', label: 's1', kind: 'input', x: PAD + 20, y: mid + ROW },
  ];
  template.nodes.forEach((node, i) => {
    const y = mid + (i % 2 === 0 ? -0.6 : 0.6) * ROW;
    const label = node.kind === 'multi' ? `${node.id} (multi)` : node.kind === 'candidate' ? `${node.id} (candidate)` : node.id;
    states.push({ id: node.id, label, kind: node.kind === 'multi' ? 'multi' : 'sum', x: PAD + 20 + COL * (i + 1), y });
  });
  const output: GraphBox = { id: 'out', label: 'concat·1×1', kind: 'output', x: PAD + 20 + COL * (n + 1), y: mid };
  const edges: GraphEdge[] = [];
  const edge = (fromId: number, to: GraphBox, label: string, chosen: boolean, slot: number): void => {
    const from = states[fromId];
    if (from) edges.push({ from, to, label, chosen, slot });
  };
  template.nodes.forEach((node, i) => {
    const to = states[i + 2];
    if (!to) return;
    if (node.kind === 'sum') node.edges.forEach((e, j) => edge(e.input, to, e.op + (e.stride === 2 ? ' /2' : ''), false, j));
    if (node.kind === 'multi') node.choices.forEach((c, j) => edge(c.input, to, `${c.op} α=${c.alpha.toFixed(2)}`, true, j));
    if (node.kind === 'candidate') node.inputs.forEach((inp, j) => edge(inp, to, 'all ops (α)', false, j));
    edges.push({ from: to, to: output, label: '', chosen: false, slot: 0 });
  });
  return { boxes: [...states, output], edges, width: output.x + PAD + 60, height };
}
