// Where the parts of a cell drawing go: the two inputs on the left, one column per node, the output concat on
// the right, and one labelled edge per sum edge or chosen multi branch (with its α). Each edge's label sits in
// the gap just before the box the edge enters, where no box is, stacked in the order the edges arrive; the
// gaps are as wide as the longest label there, and the drawing as tall as its lowest label, so no label
// overlaps a box or leaves the drawing.

import type { CellTemplate } from '../../core/space/model-desc.ts';

export interface GraphBox {
  id: string;
  label: string;
  kind: 'input' | 'sum' | 'multi' | 'output';
  /** Centre; every box is BOX_W × BOX_H. */
  x: number;
  y: number;
}

/** A label's text and the rectangle it is drawn in (text-anchor end at x + width, baseline inside). */
export interface EdgeLabel {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphEdge {
  from: GraphBox;
  to: GraphBox;
  /** Where the edge ends on the target box's left side (spread when several edges enter it). */
  endY: number;
  label: EdgeLabel | null;
  /** Branch of a finalised (multi) node. */
  chosen: boolean;
}

export interface CellGraphLayout {
  boxes: GraphBox[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

export const BOX_W = 84;
export const BOX_H = 28;
/** The label font size (px) the drawing uses, and the width of a character at it, rounded up. */
export const LABEL_FONT = 10;
const CHAR_W = 6.4;
const LABEL_H = 13;
const GAP_MIN = 56;
const MARGIN = 10;
const ROW = 70;

/** Width (px) a label takes at LABEL_FONT in the system font, over-estimated so it never overlaps. */
export function labelWidth(text: string): number {
  return Math.ceil(text.length * CHAR_W) + 6;
}

export function layoutCell(template: CellTemplate): CellGraphLayout {
  const n = template.nodes.length;
  // The labels of the edges into each column (node i is column i + 1; the output, column n + 1, has none).
  const incoming: { input: number; text: string; chosen: boolean }[][] = template.nodes.map((node) => {
    if (node.kind === 'sum') return node.edges.map((e) => ({ input: e.input, text: e.op + (e.stride === 2 ? ' /2' : ''), chosen: false }));
    if (node.kind === 'multi') return node.choices.map((c) => ({ input: c.input, text: `${c.op} α=${c.alpha.toFixed(2)}`, chosen: true }));
    return node.inputs.map((input) => ({ input, text: 'all ops (α)', chosen: false }));
  });
  // Each gap is as wide as its widest label plus room for the arrow.
  const gaps = [...incoming.map((list) => Math.max(GAP_MIN, ...list.map((l) => labelWidth(l.text) + 16))), GAP_MIN];
  const columnsX: number[] = [MARGIN + BOX_W / 2];
  gaps.forEach((g, i) => columnsX.push((columnsX[i] ?? 0) + BOX_W + g));

  const stack = Math.max(2, ...incoming.map((l) => l.length));
  const top = MARGIN + (stack * LABEL_H) / 2 + 4;
  const mid = top + ROW;
  const boxes: GraphBox[] = [
    { id: 's0', label: 's0 (cell k−2)', kind: 'input', x: columnsX[0] ?? 0, y: mid - ROW * 0.8 },
    { id: 's1', label: 's1 (cell k−1)', kind: 'input', x: columnsX[0] ?? 0, y: mid + ROW * 0.8 },
  ];
  template.nodes.forEach((node, i) => {
    const label = node.kind === 'multi' ? `${node.id} (chosen ops)` : node.kind === 'candidate' ? `${node.id} (candidate)` : node.id;
    boxes.push({ id: node.id, label, kind: node.kind === 'multi' ? 'multi' : 'sum', x: columnsX[i + 1] ?? 0, y: mid + (i % 2 === 0 ? -0.4 : 0.4) * ROW });
  });
  const output: GraphBox = { id: 'out', label: 'concat, 1×1 conv', kind: 'output', x: columnsX[n + 1] ?? 0, y: mid };

  const edges: GraphEdge[] = [];
  incoming.forEach((list, i) => {
    const to = boxes[i + 2];
    if (!to) return;
    // Stacked top to bottom in the order of where the edges come from, so lines do not cross at the box.
    const ordered = list.map((l) => ({ ...l, from: boxes[l.input] })).filter((l): l is typeof l & { from: GraphBox } => l.from !== undefined)
      .sort((a, b) => a.from.y - b.from.y || a.from.x - b.from.x);
    const k = ordered.length;
    ordered.forEach((l, j) => {
      const offset = j - (k - 1) / 2;
      const endY = to.y + offset * Math.min(8, (BOX_H - 8) / Math.max(1, k - 1));
      const width = labelWidth(l.text);
      // Right-aligned just before the box, its baseline on the edge's last stretch.
      const label = { text: l.text, x: to.x - BOX_W / 2 - 10 - width, y: to.y + offset * LABEL_H - LABEL_H / 2 - 2, width, height: LABEL_H };
      edges.push({ from: l.from, to, endY, label, chosen: l.chosen });
    });
    edges.push({ from: to, to: output, endY: output.y, label: null, chosen: false });
  });
  const bottom = Math.max(...boxes.map((b) => b.y + BOX_H / 2), ...edges.map((e) => (e.label ? e.label.y + e.label.height : 0)));
  const topmost = Math.min(...boxes.map((b) => b.y - BOX_H / 2), ...edges.map((e) => (e.label ? e.label.y : Infinity)));
  // Shift everything down if a label rose above the margin.
  const shift = Math.max(0, MARGIN - topmost);
  if (shift > 0) {
    for (const b of [...boxes, output]) b.y += shift;
    for (const e of edges) {
      e.endY += shift;
      if (e.label) e.label.y += shift;
    }
  }
  return { boxes: [...boxes, output], edges, width: output.x + BOX_W / 2 + MARGIN, height: bottom + shift + MARGIN };
}
