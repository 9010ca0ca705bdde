// The leak test: along a Petridish lineage (seed → search → post-train → search → post-train) the examples
// that score each pool point were never in the training set of that point or of any of its ancestors.
import { describe, expect, it } from 'vitest';
import type { JobKind } from '../../../src/core/search-types.ts';
import type { PresetName } from '../../../src/core/training/training-config.ts';
import type { Dataset } from '../../../src/data/dataset.ts';
import { makePreset } from '../../../src/core/presets.ts';
import { createRng } from '../../../src/core/rng.ts';
import { preparePhaseData, recipeOf, runTestSet } from '../../../src/ml/train/run-job.ts';

/** 10 classes of uneven size (40–130 examples), shuffled; 2×2 grey images (only the labels matter here). */
function dataset(): Dataset {
  const rng = createRng(17);
  const labels = createRng(3).shuffle(Array.from({ length: 10 }, (_, c) => Array<number>(40 + 10 * c).fill(c)).flat());
  const images = Uint8Array.from({ length: labels.length * 4 }, () => rng.int(256));
  return { id: 'lineage', name: 'lineage', source: 'upload', shape: { height: 2, width: 2, channels: 1 }, numClasses: 10,
    classNames: Array.from({ length: 10 }, (_, c) => `c${c}`), train: { images, labels: Uint8Array.from(labels), count: labels.length },
    test: null };
}

const LINEAGE: JobKind[] = ['seed_train', 'search', 'post_train', 'search', 'post_train'];

const cases: [PresetName, number | null][] = [['paper', null], ['standard', 30], ['tiny', 20]];

describe('validation along a lineage', () => {
  for (const [name, perClass] of cases) {
    it(`never scores a pool point on an example it or an ancestor trained on (${name}, ${perClass ?? 'all'} per class)`, () => {
      const d = dataset();
      const preset = makePreset(name, { examplesPerClass: perClass, seed: 11 });
      const trainedSoFar = new Set<number>();
      const scoring: number[][] = [];
      for (const kind of LINEAGE) {
        const { recipe } = recipeOf(preset, { kind });
        const data = preparePhaseData(d, recipe, preset);
        for (const i of data.trainIdx) trainedSoFar.add(i);
        if (kind === 'search') continue; // a search phase produces no pool point
        const scores = recipe.maxValExamples === undefined ? data.valIdx : data.valIdx.subarray(0, recipe.maxValExamples);
        expect(scores.length).toBeGreaterThan(0);
        const leaked = Array.from(scores).filter((i) => trainedSoFar.has(i));
        expect(leaked, `${kind}: ${leaked.length} of ${scores.length} scoring examples were trained on`).toEqual([]);
        scoring.push(Array.from(scores));
      }
      // Seeds and grown children are compared on the very same examples.
      expect(scoring[1]).toEqual(scoring[0]);
      expect(scoring[2]).toEqual(scoring[0]);
    });
  }

  it('draws the per-class subset once per run: every phase splits the same examples', () => {
    const d = dataset();
    const preset = makePreset('standard', { examplesPerClass: 30, seed: 4 });
    const pools = LINEAGE.map((kind) => {
      const data = preparePhaseData(d, recipeOf(preset, { kind }).recipe, preset);
      return [...data.trainIdx, ...data.valIdx].sort((a, b) => a - b);
    });
    expect(pools[0]).toHaveLength(300);
    for (const p of pools) expect(p).toEqual(pools[0]);
  });
});

describe('the run\'s test examples', () => {
  it('are held out of every phase\'s training and validation when the dataset has no test split', () => {
    const d = dataset();
    for (const [name, perClass] of cases) {
      const preset = makePreset(name, { examplesPerClass: perClass, seed: 3, testExamples: null });
      const test = runTestSet(d, preset);
      expect(test.source).toBe('held-out');
      // 10 % of every class: 4, 5, …, 13 examples.
      expect(test.indices).toHaveLength(85);
      const held = new Set(test.indices);
      for (const kind of LINEAGE) {
        const data = preparePhaseData(d, recipeOf(preset, { kind }).recipe, preset);
        expect([...data.trainIdx, ...data.valIdx].filter((i) => held.has(i)), `${name} ${kind}`).toEqual([]);
      }
    }
  });

  it('are one fixed stratified subset of the test split per run', () => {
    const d = dataset();
    const test = { ...d.train, labels: d.train.labels.slice() };
    const withTest = { ...d, test };
    const preset = makePreset('standard', { seed: 3, testExamples: 170 });
    const a = runTestSet(withTest, preset);
    expect(a.source).toBe('test');
    expect(a.split).toBe(test);
    expect(a.indices).toHaveLength(170);
    expect(Array.from(runTestSet(withTest, preset).indices)).toEqual(Array.from(a.indices));
    const perClass = Array<number>(10).fill(0);
    for (const i of a.indices) perClass[test.labels[i]!]! += 1;
    expect(perClass).toEqual([8, 10, 12, 14, 16, 18, 20, 22, 24, 26]);
  });
});
