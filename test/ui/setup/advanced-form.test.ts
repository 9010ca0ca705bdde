// The advanced settings form: round trip from a preset, and bad values named by field.
import { describe, expect, it } from 'vitest';
import { makePreset, PRESETS } from '../../../src/core/presets.ts';
import { checkForm, formFromPreset, overridesFromForm } from '../../../src/ui/setup/advanced-form.ts';

describe('advanced form', () => {
  it('reproduces the preset when nothing is changed', () => {
    for (const p of Object.values(PRESETS)) {
      const made = makePreset(p.name, overridesFromForm(formFromPreset(p)));
      expect({ ...made, seedTrain: { ...made.seedTrain, batchSize: p.seedTrain.batchSize } }).toMatchObject({ eps: p.eps, maxPoolSize: p.maxPoolSize, maxMadd: p.maxMadd, maxSeconds: p.maxSeconds, examplesPerClass: p.examplesPerClass, testExamples: p.testExamples });
      expect(made.search.epochs).toBe(p.search.epochs);
      expect([made.l1Alpha, made.topK]).toEqual([p.l1Alpha, p.topK]);
    }
  });

  it('converts units and blanks', () => {
    const f = { ...formFromPreset(PRESETS.tiny), maxMadd: '2.5', maxMinutes: '10', maxPoolSize: '', examplesPerClass: '', testExamples: '' };
    expect(overridesFromForm(f)).toMatchObject({ maxMadd: 2.5e6, maxSeconds: 600, maxPoolSize: null, examplesPerClass: null, testExamples: null });
    expect(overridesFromForm({ ...f, testExamples: '500' }).testExamples).toBe(500);
  });

  it('sets the L1 weight λ on α and top-k', () => {
    const f = { ...formFromPreset(PRESETS.tiny), l1Alpha: '0.01', topK: '2' };
    expect(formFromPreset(PRESETS.paper)).toMatchObject({ l1Alpha: '0.001', topK: '3' });
    const made = makePreset('tiny', overridesFromForm(f));
    expect([made.l1Alpha, made.topK]).toEqual([0.01, 2]);
    expect(makePreset('tiny', overridesFromForm({ ...f, l1Alpha: '0' })).l1Alpha).toBe(0);
    expect(() => overridesFromForm({ ...f, l1Alpha: '-0.1' })).toThrow(/preset\.l1Alpha: "-0\.1" is invalid, expected a number ≥ 0/);
    expect(() => overridesFromForm({ ...f, topK: '1.5' })).toThrow(/preset\.topK: "1\.5" is invalid, expected an integer ≥ 1/);
    expect(() => overridesFromForm({ ...f, topK: '' })).toThrow(/preset\.topK/);
  });

  it('names the bad field', () => {
    const base = formFromPreset(PRESETS.tiny);
    expect(() => overridesFromForm({ ...base, eps: 'x' })).toThrow(/preset\.eps/);
    expect(() => overridesFromForm({ ...base, maxPoolSize: '2.5' })).toThrow(/preset\.maxPoolSize/);
    expect(() => overridesFromForm({ ...base, testExamples: '0' })).toThrow(/preset\.testExamples/);
    expect(() => makePreset('tiny', overridesFromForm({ ...base, seedEpochs: '0' }))).toThrow(/preset\.seedTrain\.epochs/);
  });

  it('reports every bad field in words, and none of the code names', () => {
    const base = formFromPreset(PRESETS.tiny);
    const { overrides, errors } = checkForm({ ...base, eps: '-1', batchSize: '2.5', seedEpochs: '', maxPoolSize: 'many', l1Alpha: '-0.1' });
    expect(overrides).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['batchSize', 'eps', 'l1Alpha', 'maxPoolSize', 'seedEpochs']);
    expect(errors.eps).toBe('“-1” is not a number above 0 and below 1 (0.025 means 2.5 %).');
    expect(errors.batchSize).toBe('“2.5” is not a whole number of at least 1.');
    expect(errors.seedEpochs).toBe('Enter a whole number of at least 1.');
    expect(errors.l1Alpha).toBe('“-0.1” is not a number of 0 or more.');
    for (const text of Object.values(errors)) expect(text).not.toMatch(/preset\.|invalid/);
    const good = checkForm({ ...base, maxPoolSize: '' });
    expect(good.errors).toEqual({});
    expect(good.overrides).toEqual(overridesFromForm({ ...base, maxPoolSize: '' }));
  });
});
