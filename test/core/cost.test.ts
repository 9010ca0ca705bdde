import { describe, expect, it } from 'vitest';
import { countCost, formatMadd } from '../../src/core/cost/cost.ts';
import { finalizeCandidate, insertCandidate } from '../../src/core/space/grow.ts';
import { threeCellDesc, tinyDesc } from './desc-fixtures.ts';
import type { ModelDesc } from '../../src/core/space/model-desc.ts';

const layer = (desc: ModelDesc, path: string) => {
  const l = countCost(desc).layers.find((x) => x.path === path);
  if (!l) throw new Error(`no layer ${path}`);
  return l;
};

describe('countCost', () => {
  it('1 cell, 8×8×1, C=2: n0 = max_pool(s0) + skip(s1)', () => {
    // stems: conv3×3 1→2 at 8×8: 64·2·(2·9·1−1) = 2176, params 18; BN 4·2·64 = 512, params 4; two stems.
    const stems = { madd: 2 * (2176 + 512), params: 2 * (18 + 4) };
    // pre0 = pre1 = ReLU 2·64 = 128; conv1×1 2→2: 64·2·(2·2−1) = 384, params 4; BN 512, params 4.
    const pre = { madd: 2 * (128 + 384 + 512), params: 2 * (4 + 4) };
    // max_pool: (9−1)·2·64 = 1024; skip at stride 1 is identity = 0.
    const node = { madd: 1024, params: 0 };
    // projection of 1 node: conv1×1 2→2 = 384, params 4; BN 512, params 4.
    const proj = { madd: 384 + 512, params: 8 };
    // head: linear 2→2: 2·(2·2−1) = 6, params 2·2+2 = 6.
    const head = { madd: 6, params: 6 };
    const parts = [stems, pre, node, proj, head];
    const cost = countCost(tinyDesc());
    expect(cost.madd).toBe(parts.reduce((s, p) => s + p.madd, 0));
    expect(cost.madd).toBe(9350);
    expect(cost.params).toBe(74);
    expect(cost.layers.reduce((s, l) => s + l.params, 0)).toBe(74);
  });

  it('3 cells N R N with FactorizedReduce, sep/dil convs and pools', () => {
    // stems: conv 1→4 at 8×8: 64·4·17 = 4352, p 36; BN 4·4·64 = 1024, p 8; ×2 → 10752, 88.
    const stems = 2 * (4352 + 1024);
    // cell0 (C=2, 8×8). pre0/pre1 from 4 ch: ReLU 256 + conv 64·2·7 = 896 + BN 512 = 1664 each, p 12 each.
    // sep_conv_3x3 on s0: 2 × (ReLU 128 + dw 64·2·17 = 2176 + pw 64·2·3 = 384 + BN 512) = 6400, p 2·(18+4+4) = 52.
    // avg_pool on s1: 9·2·64 = 1152. proj 2→2: 384 + 512 = 896, p 8.
    const cell0 = 2 * 1664 + 6400 + 1152 + 896;
    // cell1 (reduction, C=4, 8×8 → 4×4). pre0 from stem (4 ch): 256 + 64·4·7 = 1792 + 1024 = 3072, p 24.
    // pre1 from cell0 (2 ch): 128 + 64·4·3 = 768 + 1024 = 1920, p 16.
    // skip stride 2 = FR(4→4): ReLU 256 + 2 × conv 4→2 at 4×4 (16·2·7 = 224, p 8) + BN 4·4·16 = 256, p 8 → 960, 24.
    // dil_conv_3x3 stride 2: ReLU 256 + dw 16·4·17 = 1088 (p 36) + pw 16·4·7 = 448 (p 16) + BN 256 (p 8) → 2048, 60.
    // proj 4→4 at 4×4: 448 + 256 = 704, p 24.
    const cell1 = 3072 + 1920 + 960 + 2048 + 704;
    // cell2 (C=4, 4×4). pre0 = FR(cell0 out, 2 ch 8×8 → 4 ch 4×4): ReLU 128 + 2 × 16·2·3 = 96 (p 4) + BN 256 → 576, p 16.
    // pre1 from cell1 (4 ch 4×4): 64 + 448 + 256 = 768, p 24.
    // sep_conv_3x3: 2 × (64 + 1088 + 448 + 256) = 3712, p 2·(36+16+8) = 120. avg_pool 9·4·16 = 576. proj 704, p 24.
    const cell2 = 576 + 768 + 3712 + 576 + 704;
    // head 4→3: 3·(2·4−1) = 21, p 15.
    const cost = countCost(threeCellDesc());
    expect(cost.madd).toBe(stems + cell0 + cell1 + cell2 + 21);
    expect(cost.madd).toBe(37589);
    expect(cost.params).toBe(88 + (24 + 52 + 8) + (24 + 16 + 24 + 60 + 24) + (16 + 24 + 120 + 24) + 15);
  });

  it('costs a candidate (all branches, BN without affine) and a finalised multi node', () => {
    const grown = insertCandidate(tinyDesc(), 'canonical');
    // Per input (C=2, 8×8, stride 1): max 1024, avg 1152, skip 0, sep3 6400 (p 2·(18+4) = 44, no BN params),
    // sep5 2·(128 + 64·2·49 = 6272 + 384 + 512) = 14592 (p 2·(50+4) = 108), dil3 3200 (p 22), dil5 7296 (p 54), none 0.
    const perInput = { madd: 1024 + 1152 + 6400 + 14592 + 3200 + 7296, params: 44 + 108 + 22 + 54 };
    // The cell projection now reads 2 nodes: conv 4→2 = 64·2·7 = 896 (p 8) instead of 384 (p 4).
    const cand = countCost(grown);
    expect(cand.madd).toBe(9350 - 384 + 896 + 2 * perInput.madd);
    expect(cand.params).toBe(74 - 4 + 8 + 2 * perInput.params);
    expect(layer(grown, 'cell0/p1/in_s1/sep_conv_3x3/bn1').params).toBe(0);

    const alphas = { normal: [[0.5, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, -0.9, 0, 0, 0, 0]], reduction: [[1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]] };
    const { desc } = finalizeCandidate(grown, alphas, 2);
    // multi = sep3(s1) affine (6400, p 52) + max_pool(s0) 1024 → concat 4 ch → conv 4→2 896 (p 8) + BN 512 (p 4).
    const fin = countCost(desc);
    expect(fin.madd).toBe(9350 - 384 + 896 + 6400 + 1024 + 896 + 512);
    expect(fin.params).toBe(74 - 4 + 8 + 52 + 8 + 4);
    expect(layer(desc, 'cell0/p1/proj/conv').weights).toEqual([{ path: 'cell0/p1/proj/conv', shape: [1, 1, 4, 2] }]);
  });

  it('mbconv with biases (affine) and without (candidate), stride-2 stems', () => {
    const d = tinyDesc('ecv2022');
    d.stemStride = 2;
    d.cells.normal.nodes[0] = {
      kind: 'sum',
      id: 'n0',
      edges: [
        { input: 0, op: 'mbconv_r2', stride: 1 },
        { input: 1, op: 'skip_connect', stride: 1 },
      ],
    };
    // stems: conv 1→2 stride 2 → 4×4: 16·2·17 = 544 (p 18) + BN 4·2·16 = 128 (p 4); ×2 → 1344, 44.
    // pre0/pre1: ReLU 32 + conv 16·2·3 = 96 (p 4) + BN 128 (p 4) → 256 each, p 8 each.
    // mbconv_r2 (2 → 4 → 2, biases): expand 16·4·(2·2−1+1) = 256 (p 8+4), ReLU6 64, dw 16·4·(18−1+1) = 1152
    // (p 36+4), ReLU6 64, project 16·2·(2·4−1+1) = 256 (p 8+2), BN 128 (p 4) → 1920, p 66.
    // proj 2→2: 96 + 128 = 224, p 8. head 2→2: 6, p 6.
    const cost = countCost(d);
    expect(cost.madd).toBe(1344 + 512 + 1920 + 224 + 6);
    expect(cost.params).toBe(44 + 16 + 66 + 8 + 6);
    const grown = insertCandidate(d, 'ecv2022');
    // Candidate mbconv_r2 has no biases: expand 16·4·3 = 192, p 8.
    const expand = layer(grown, 'cell0/p1/in_s0/mbconv_r2/expand');
    expect([expand.madd, expand.params]).toEqual([192, 8]);
  });

  it('names layers and weights with the anatomy paths', () => {
    const paths = countCost(threeCellDesc()).layers.flatMap((l) => l.weights.map((w) => w.path));
    for (const p of [
      'stem0/conv',
      'stem1/bn/gamma',
      'cell0/pre0/conv',
      'cell2/pre0/conv1',
      'cell2/pre0/conv2',
      'cell1/n0/e0/skip_connect/conv1',
      'cell0/n0/e0/sep_conv_3x3/dw1',
      'cell0/n0/e0/sep_conv_3x3/pw2',
      'cell1/n0/e1/dil_conv_3x3/dw',
      'cell1/proj/conv',
      'head/w',
      'head/b',
    ]) {
      expect(paths).toContain(p);
    }
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('formats counts', () => {
    expect(formatMadd(12_345_678)).toBe('12.3M');
    expect(formatMadd(1_500)).toBe('1.5K');
    expect(formatMadd(2.5e9)).toBe('2.5G');
    expect(formatMadd(850)).toBe('850');
  });
});
