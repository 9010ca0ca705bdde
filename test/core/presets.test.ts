import { describe, expect, it } from 'vitest';
import { ECV2022_PRESET, makePreset, PRESETS } from '../../src/core/presets.ts';
import { seedDescs } from '../../src/core/space/seeds.ts';
import { validateDesc } from '../../src/core/space/validate-desc.ts';

describe('presets', () => {
  it('paper has the canonical numbers', () => {
    const p = PRESETS.paper;
    expect([p.seedTrain.epochs, p.search.epochs, p.postTrain.epochs]).toEqual([80, 80, 80]);
    expect([p.seedTrain.batchSize, p.search.batchSize, p.postTrain.batchSize]).toEqual([128, 96, 96]);
    expect([p.seedTrain.cutout, p.search.cutout, p.postTrain.cutout]).toEqual([16, 0, 16]);
    expect([p.seedTrain.valFraction, p.search.valFraction, p.postTrain.valFraction]).toEqual([0.1, 0.2, 0.1]);
    expect(p.seedTrain).toMatchObject({ lr: 0.025, minLr: 0.001, weightDecay: 3e-4, gradClip: 5, momentum: 0.9 });
    expect([p.initNodeChannels, p.stemMultiplier, p.topK, p.l1Alpha, p.eps, p.maxMadd, p.maxPoolSize]).toEqual([
      16, 3, 3, 0.001, 0.025, 200e6, 100,
    ]);
  });

  it('tiny gives 2 small valid seeds; ECV is the 2022 variant', () => {
    const t = PRESETS.tiny;
    expect(t.seedTrain).toMatchObject({ epochs: 1, batchSize: 16, maxBatchesPerEpoch: 2, maxValExamples: 64 });
    const seeds = seedDescs(t, { height: 8, width: 8, channels: 1 }, 10);
    expect(seeds.map((s) => s.macro)).toEqual([
      { reductions: 1, cells: 3, nodes: 1 },
      { reductions: 1, cells: 3, nodes: 2 },
    ]);
    seeds.forEach((s) => validateDesc(s.desc));
    expect(ECV2022_PRESET).toMatchObject({ space: 'ecv2022', initNodeChannels: 32, stemMultiplier: 1, maxMadd: 20e6 });
    expect(ECV2022_PRESET.search).toMatchObject({ batchSize: 32, lr: 0.033, cutout: 0 });
    expect(ECV2022_PRESET.seedTrain.cutout).toBe(6);
  });

  it('makePreset merges overrides into a fresh copy and names bad fields', () => {
    const p = makePreset('standard', { seed: 9, search: { epochs: 3 }, seedGrid: { nodes: [1, 1] } });
    expect([p.seed, p.search.epochs, p.search.batchSize, p.seedGrid.nodes, p.seedGrid.cells]).toEqual([
      9, 3, PRESETS.standard.search.batchSize, [1, 1], PRESETS.standard.seedGrid.cells,
    ]);
    p.seedGrid.cells[0] = 99;
    expect(PRESETS.standard.seedGrid.cells[0]).not.toBe(99);
    expect(() => makePreset('tiny', { postTrain: { epochs: 0 } })).toThrow(/preset\.postTrain\.epochs/);
    expect(() => makePreset('tiny', { seedGrid: { cells: [5, 3] } })).toThrow(/preset\.seedGrid\.cells/);
  });

  it('refuses validation fractions that would score grown children on their ancestors\' training examples', () => {
    expect(() => makePreset('standard', { postTrain: { valFraction: 0.3 } })).toThrow(/preset\.postTrain\.valFraction: 0\.3 is larger than seedTrain\.valFraction \(0\.1\)/);
    expect(() => makePreset('standard', { seedTrain: { valFraction: 0.05 } })).toThrow(/postTrain\.valFraction: 0\.1 is larger/);
    expect(makePreset('standard', { seedTrain: { valFraction: 0.2 } }).seedTrain.valFraction).toBe(0.2);
  });
});
