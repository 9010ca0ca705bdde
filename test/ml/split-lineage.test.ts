// The leak test: along a Petridish lineage (seed → search → post-train → search → post-train) the examples
// that score each pool point were never in the training set of that point or of any of its ancestors.
import { describe, expect, it } from 'vitest';
import type { JobKind } from '../../src/core/search-types.ts';
import type { PresetName } from '../../src/core/training-config.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { makePreset } from '../../src/core/presets.ts';
import { createRng } from '../../src/core/rng.ts';
import { preparePhaseData, recipeOf } from '../../src/ml/run-job.ts';

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
