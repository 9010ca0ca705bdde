import { describe, expect, it } from 'vitest';
import { finalizeCandidate, insertCandidate, macroOf } from '../../src/core/space/grow.ts';
import type { ModelDesc, NodeDesc } from '../../src/core/space/model-desc.ts';
import { CANDIDATE_PRIMITIVES } from '../../src/core/space/primitives.ts';
import { createRng } from '../../src/core/rng.ts';
import { buildSeedDesc } from '../../src/core/space/seeds.ts';
import { validateDesc } from '../../src/core/space/validate-desc.ts';

const seed = (): ModelDesc =>
  buildSeedDesc({
    space: 'canonical',
    input: { height: 32, width: 32, channels: 3 },
    numClasses: 10,
    initNodeChannels: 16,
    stemMultiplier: 3,
    stemStride: 1,
    macro: { cells: 5, reductions: 2, nodes: 2 },
    rng: createRng(11),
  });

const candidateOf = (nodes: NodeDesc[]) => {
  const c = nodes.find((n) => n.kind === 'candidate');
  if (!c || c.kind !== 'candidate') throw new Error('no candidate');
  return c;
};

/** α matrices of the right shape, zero except the given entries. */
function alphasFor(desc: ModelDesc, set: { normal?: [number, number, number][]; reduction?: [number, number, number][] }) {
  const make = (kind: 'normal' | 'reduction') => {
    const cand = candidateOf(desc.cells[kind].nodes);
    const a = cand.inputs.map(() => cand.primitives.map(() => 0));
    for (const [j, p, v] of set[kind] ?? []) (a[j] as number[])[p] = v;
    return a;
  };
  return { normal: make('normal'), reduction: make('reduction') };
}

describe('insertCandidate', () => {
  it('twice gives [n0, p1, p2, n1] with the right inputs and strides', () => {
    const parent = seed();
    const once = insertCandidate(parent, 'canonical');
    const f1 = finalizeCandidate(once, alphasFor(once, { normal: [[0, 3, 1]], reduction: [[2, 0, 1]] }), 3).desc;
    const twice = insertCandidate(f1, 'canonical');
    for (const kind of ['normal', 'reduction'] as const) {
      const nodes = twice.cells[kind].nodes;
      expect(nodes.map((n) => n.id)).toEqual(['n0', 'p1', 'p2', 'n1']);
      expect(nodes.map((n) => n.kind)).toEqual(['sum', 'multi', 'candidate', 'sum']);
      const p2 = candidateOf(nodes);
      // States: s0, s1, n0, p1 (state 3), p2 is state 4; n1 (the last) is not an input.
      expect(p2.inputs).toEqual([0, 1, 2, 3]);
      expect(p2.strides).toEqual(kind === 'reduction' ? [2, 2, 1, 1] : [1, 1, 1, 1]);
      expect(p2.primitives).toEqual(CANDIDATE_PRIMITIVES.canonical);
      // The last node's edges are unchanged.
      expect(nodes[3]).toEqual(parent.cells[kind].nodes[1]);
    }
    expect(macroOf(parent)).toEqual({ cells: 5, reductions: 2, nodes: 2 });
    expect(macroOf(twice)).toEqual({ cells: 5, reductions: 2, nodes: 4 });
    validateDesc(once);
    validateDesc(twice);
    // The parent is not modified.
    expect(parent.cells.normal.nodes).toHaveLength(2);
  });

  it('uses the space primitives and refuses a second candidate', () => {
    const d = insertCandidate({ ...seed(), space: 'ecv2022' }, 'ecv2022');
    expect(candidateOf(d.cells.normal.nodes).primitives).toEqual(CANDIDATE_PRIMITIVES.ecv2022);
    expect(() => insertCandidate(d, 'ecv2022')).toThrow(/already has a candidate/);
  });
});

describe('finalizeCandidate', () => {
  const grown = insertCandidate(seed(), 'canonical');
  const none = CANDIDATE_PRIMITIVES.canonical.indexOf('none');

  it('picks the topK by |α| across inputs, never none, and records α', () => {
    const alphas = alphasFor(grown, {
      normal: [[0, none, 9], [2, 1, -0.8], [1, 3, 0.5], [0, 4, 0.7], [2, 0, 0.1]],
      reduction: [[1, none, -5], [0, 2, 0.3], [1, 6, -0.2], [2, 5, 0.25]],
    });
    const { desc, choices } = finalizeCandidate(grown, alphas, 3);
    expect(choices.normal).toEqual([
      { input: 2, op: 'avg_pool_3x3', stride: 1, alpha: -0.8 },
      { input: 0, op: 'sep_conv_5x5', stride: 1, alpha: 0.7 },
      { input: 1, op: 'sep_conv_3x3', stride: 1, alpha: 0.5 },
    ]);
    expect(choices.reduction).toEqual([
      { input: 0, op: 'skip_connect', stride: 2, alpha: 0.3 },
      { input: 2, op: 'dil_conv_3x3', stride: 1, alpha: 0.25 },
      { input: 1, op: 'dil_conv_5x5', stride: 2, alpha: -0.2 },
    ]);
    const node = desc.cells.normal.nodes[1];
    expect(node).toEqual({ kind: 'multi', id: 'p1', choices: choices.normal });
    expect(desc.cells.normal.nodes.some((n) => n.kind === 'candidate')).toBe(false);
    validateDesc(desc);
  });

  it('breaks ties by lower input, then primitive order, whatever the sign', () => {
    const alphas = alphasFor(grown, { normal: [[2, 0, 0.5], [1, 6, -0.5], [1, 2, 0.5], [0, 5, 0.5]] });
    const { choices } = finalizeCandidate(grown, alphas, 3);
    expect(choices.normal.map((c) => [c.input, c.op])).toEqual([
      [0, 'dil_conv_3x3'],
      [1, 'skip_connect'],
      [1, 'dil_conv_5x5'],
    ]);
    // All-zero α: the first three (input, primitive) pairs in order.
    expect(choices.reduction.map((c) => [c.input, c.op])).toEqual([
      [0, 'max_pool_3x3'],
      [0, 'avg_pool_3x3'],
      [0, 'skip_connect'],
    ]);
  });

  it('rejects α of the wrong shape or non-finite values', () => {
    const good = alphasFor(grown, {});
    expect(() => finalizeCandidate(grown, { ...good, normal: good.normal.slice(1) }, 3)).toThrow(/rows/);
    const bad = alphasFor(grown, { normal: [[0, 0, Number.NaN]] });
    expect(() => finalizeCandidate(grown, bad, 3)).toThrow(/finite/);
    expect(() => finalizeCandidate(seed(), good, 3)).toThrow(/no candidate/);
  });
});
