// The advanced settings form: round trip from a preset, and bad values named by field.
import { describe, expect, it } from 'vitest';
import { makePreset, PRESETS } from '../../../src/core/presets.ts';
import { formFromPreset, overridesFromForm } from '../../../src/ui/setup/advanced-form.ts';

describe('advanced form', () => {
  it('reproduces the preset when nothing is changed', () => {
    for (const p of Object.values(PRESETS)) {
      const made = makePreset(p.name, overridesFromForm(formFromPreset(p)));
      expect({ ...made, seedTrain: { ...made.seedTrain, batchSize: p.seedTrain.batchSize } }).toMatchObject({ eps: p.eps, maxPoolSize: p.maxPoolSize, maxMadd: p.maxMadd, maxSeconds: p.maxSeconds, examplesPerClass: p.examplesPerClass });
      expect(made.search.epochs).toBe(p.search.epochs);
    }
  });

  it('converts units and blanks', () => {
    const f = { ...formFromPreset(PRESETS.tiny), maxMadd: '2.5', maxMinutes: '10', maxPoolSize: '', examplesPerClass: '' };
    expect(overridesFromForm(f)).toMatchObject({ maxMadd: 2.5e6, maxSeconds: 600, maxPoolSize: null, examplesPerClass: null });
  });

  it('names the bad field', () => {
    const base = formFromPreset(PRESETS.tiny);
    expect(() => overridesFromForm({ ...base, eps: 'x' })).toThrow(/preset\.eps/);
    expect(() => overridesFromForm({ ...base, maxPoolSize: '2.5' })).toThrow(/preset\.maxPoolSize/);
    expect(() => makePreset('tiny', overridesFromForm({ ...base, seedEpochs: '0' }))).toThrow(/preset\.seedTrain\.epochs/);
  });
});
