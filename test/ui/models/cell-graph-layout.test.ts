// The cell drawing's layout: no edge label overlaps a box or another label, and everything lies inside the
// drawing, for seed cells, grown cells with chosen branches (long "op α=…" labels) and a candidate node.
import { describe, expect, it } from 'vitest';
import type { CellTemplate, NodeDesc } from '../../../src/core/space/model-desc.ts';
import { createRng } from '../../../src/core/rng.ts';
import { randomCellTemplate } from '../../../src/core/space/seeds.ts';
import { CANDIDATE_PRIMITIVES } from '../../../src/core/space/primitives.ts';

const CANONICAL_PRIMITIVES = CANDIDATE_PRIMITIVES.canonical;
import { BOX_H, BOX_W, layoutCell } from '../../../src/ui/models/cell-graph-layout.ts';

interface Rect { x: number; y: number; w: number; h: number }
const overlaps = (a: Rect, b: Rect): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function check(t: CellTemplate): void {
  const g = layoutCell(t);
  const boxes: Rect[] = g.boxes.map((b) => ({ x: b.x - BOX_W / 2, y: b.y - BOX_H / 2, w: BOX_W, h: BOX_H }));
  const labels: Rect[] = g.edges.flatMap((e) => (e.label ? [{ x: e.label.x, y: e.label.y, w: e.label.width, h: e.label.height }] : []));
  for (const r of [...boxes, ...labels]) {
    expect(r.x >= 0 && r.y >= 0 && r.x + r.w <= g.width && r.y + r.h <= g.height, `${JSON.stringify(r)} inside ${g.width}×${g.height}`).toBe(true);
  }
  labels.forEach((l, i) => {
    for (const b of boxes) expect(overlaps(l, b), `label ${JSON.stringify(l)} over box ${JSON.stringify(b)}`).toBe(false);
    labels.forEach((m, j) => { if (j !== i) expect(overlaps(l, m), `labels ${i} and ${j}`).toBe(false); });
  });
  expect(labels.length).toBe(t.nodes.reduce((n, node) => n + (node.kind === 'sum' ? node.edges.length : node.kind === 'multi' ? node.choices.length : node.inputs.length), 0));
}

describe('cell drawing layout', () => {
  it('keeps labels off boxes, off each other and inside the drawing for random seed cells', () => {
    const rng = createRng(7);
    for (let nodes = 1; nodes <= 6; nodes++) for (const kind of ['normal', 'reduction'] as const) check(randomCellTemplate(rng, nodes, kind, CANONICAL_PRIMITIVES));
  });

  it('does so for grown cells: a node with several chosen branches and a candidate node', () => {
    const seed = randomCellTemplate(createRng(3), 2, 'reduction', CANONICAL_PRIMITIVES);
    const multi: NodeDesc = { kind: 'multi', id: 'n9', choices: [
      { input: 0, op: 'sep_conv_5x5', stride: 2, alpha: 0.4213 }, { input: 1, op: 'dil_conv_5x5', stride: 2, alpha: 0.31 },
      { input: 2, op: 'max_pool_3x3', stride: 1, alpha: 0.2 }, { input: 3, op: 'skip_connect', stride: 1, alpha: 0.05 },
    ] };
    check({ nodes: [...seed.nodes, multi] });
    const candidate: NodeDesc = { kind: 'candidate', id: 'c', inputs: [0, 1, 2, 3], strides: [2, 2, 1, 1], primitives: CANONICAL_PRIMITIVES.slice() };
    check({ nodes: [...seed.nodes, candidate] });
    check({ nodes: [multi.kind === 'multi' ? { ...multi, choices: multi.choices.slice(0, 2) } : multi] });
  });
});
