import { describe, expect, it } from 'vitest';
import { insertCandidate } from '../../src/core/space/grow.ts';
import { cellPlans, headInChannels, inputLabel, stemPlan } from '../../src/core/space/shapes.ts';
import { threeCellDesc, tinyDesc } from './desc-fixtures.ts';

describe('shapes', () => {
  it('plans N R N with channels doubling and pre0 FactorizedReduce after the reduction', () => {
    const plans = cellPlans(threeCellDesc());
    expect(plans.map((p) => [p.kind, p.channels, p.inSize.height, p.outSize.height])).toEqual([
      ['normal', 2, 8, 8],
      ['reduction', 4, 8, 4],
      ['normal', 4, 4, 4],
    ]);
    expect(plans.map((p) => [p.pre0.inChannels, p.pre0.factorized, p.pre1.inChannels])).toEqual([
      [4, false, 4],
      [4, false, 2],
      [2, true, 4],
    ]);
    expect(plans[2]?.pre0.inSize).toEqual({ height: 8, width: 8 });
    expect(headInChannels(threeCellDesc())).toBe(4);
  });

  it('rounds odd sizes up at stride 2 (stems and reductions)', () => {
    const d = { ...threeCellDesc(), input: { height: 7, width: 5, channels: 1 }, stemStride: 2 as const };
    expect(stemPlan(d).outSize).toEqual({ height: 4, width: 3 });
    const plans = cellPlans(d);
    expect(plans[1]?.outSize).toEqual({ height: 2, width: 2 });
    expect(plans[2]?.pre0.inSize).toEqual({ height: 4, width: 3 });
  });

  it('labels states s0, s1 and node ids', () => {
    const t = insertCandidate(tinyDesc(), 'canonical').cells.normal;
    expect([0, 1, 2, 3].map((s) => inputLabel(t, s))).toEqual(['s0', 's1', 'p1', 'n0']);
    expect(() => inputLabel(t, 4)).toThrow(RangeError);
  });
});
