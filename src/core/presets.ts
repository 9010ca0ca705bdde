// Search presets: the paper's canonical numbers, an evening-on-a-laptop search, a minutes-on-a-CPU test
// preset, and the ECV 2022 variant of the paper preset.

import type { PhaseRecipe, PresetName, SearchPreset } from './training/training-config.ts';

/** Archai's shared recipe (darts.yaml): SGD 0.9, wd 3e-4, clip 5, cosine to 0.001. */
const BASE_RECIPE: PhaseRecipe = {
  epochs: 80,
  batchSize: 128,
  lr: 0.025,
  minLr: 0.001,
  momentum: 0.9,
  weightDecay: 3e-4,
  gradClip: 5,
  cutout: 16,
  valFraction: 0.1,
};

const recipe = (over: Partial<PhaseRecipe>): PhaseRecipe => ({ ...BASE_RECIPE, ...over });

/** Canonical Archai 2020 Petridish (§1.2, §3.5, §5); seed 2 as Archai's `common.seed`. */
const PAPER: SearchPreset = {
  name: 'paper',
  space: 'canonical',
  initNodeChannels: 16,
  stemMultiplier: 3,
  seedGrid: { reductions: [1, 3], cells: [3, 8], nodes: [1, 3] },
  seedTrain: recipe({ batchSize: 128, cutout: 16, valFraction: 0.1 }),
  search: recipe({ batchSize: 96, cutout: 0, valFraction: 0.2 }),
  postTrain: recipe({ batchSize: 96, cutout: 16, valFraction: 0.1 }),
  topK: 3,
  l1Alpha: 0.001,
  eps: 0.025,
  maxMadd: 200e6,
  maxPoolSize: 100,
  maxSeconds: null,
  examplesPerClass: null,
  testExamples: null,
  seed: 2,
};

/**
 * An evening (≤ 4 h) on a laptop GPU with MNIST/CIFAR-sized data. Half the paper's width (8 channels, stem ×2)
 * cuts compute ~4×; 1000 examples per class and 10 epochs per phase make each job a minute or two, so a pool
 * of ~40 points (8 seeds plus ~16 search/post-train pairs) fits. The grid keeps both 1 and 2 reductions and
 * 3–5 cells so the frontier starts with real spread in cost. Cutout 8 scales the paper's 16 px to the
 * shorter training. The 30M MAdd stop keeps children below what a laptop trains quickly at 32×32.
 */
const STANDARD: SearchPreset = {
  ...PAPER,
  name: 'standard',
  initNodeChannels: 8,
  stemMultiplier: 2,
  seedGrid: { reductions: [1, 2], cells: [3, 5], nodes: [1, 2] },
  seedTrain: recipe({ epochs: 10, batchSize: 128, cutout: 8, valFraction: 0.1 }),
  search: recipe({ epochs: 10, batchSize: 96, cutout: 0, valFraction: 0.2 }),
  postTrain: recipe({ epochs: 10, batchSize: 96, cutout: 8, valFraction: 0.1 }),
  maxMadd: 30e6,
  maxPoolSize: 40,
  maxSeconds: 4 * 3600,
  examplesPerClass: 1000,
  // A fifth of MNIST's or CIFAR-10's test split: ±0.9 % standard error at 90 % accuracy, at a fifth of the cost.
  testExamples: 2000,
};

/** A minute or two on a CPU: two 3-cell seeds (1 and 2 nodes), 2 batches of 16 per epoch, 4 pool points. */
const TINY_RECIPE: Partial<PhaseRecipe> = { epochs: 1, batchSize: 16, maxBatchesPerEpoch: 2, maxValExamples: 64 };
const TINY: SearchPreset = {
  ...PAPER,
  name: 'tiny',
  initNodeChannels: 4,
  stemMultiplier: 2,
  seedGrid: { reductions: [1, 1], cells: [3, 3], nodes: [1, 2] },
  seedTrain: recipe({ ...TINY_RECIPE, cutout: 4, valFraction: 0.1 }),
  search: recipe({ ...TINY_RECIPE, cutout: 0, valFraction: 0.2 }),
  postTrain: recipe({ ...TINY_RECIPE, cutout: 4, valFraction: 0.1 }),
  maxMadd: null,
  maxPoolSize: 4,
  examplesPerClass: 20,
  testExamples: 100,
};


/** Archai's 2022 ECV configuration: stride-2 stems (from the space), 32 channels ×1, batch 32, lr 0.033, cutout 6, 20M MAdd. */
const ECV_RECIPE: Partial<PhaseRecipe> = { batchSize: 32, lr: 0.033 };
export const ECV2022_PRESET: SearchPreset = {
  ...PAPER,
  name: 'ecv2022',
  space: 'ecv2022',
  initNodeChannels: 32,
  stemMultiplier: 1,
  seedGrid: { reductions: [1, 2], cells: [3, 10], nodes: [1, 3] },
  seedTrain: recipe({ ...ECV_RECIPE, cutout: 6, valFraction: 0.1 }),
  search: recipe({ ...ECV_RECIPE, cutout: 0, valFraction: 0.2 }),
  postTrain: recipe({ ...ECV_RECIPE, cutout: 6, valFraction: 0.1 }),
  maxMadd: 20e6,
};

/**
 * The template a time budget sizes (src/core/budget/size-search.ts sets the resolution, width, data, epochs,
 * seed grid and the time limit): short phases of small batches with a higher learning rate than the paper's
 * 80-epoch recipe, no cutout and no weight decay, so that models learn in two or three epochs. Its own
 * numbers are the sizing's middle rung for 10 minutes.
 */
const BUDGET_RECIPE: Partial<PhaseRecipe> = { epochs: 3, batchSize: 32, lr: 0.1, minLr: 0.001, weightDecay: 0, cutout: 0, maxValExamples: 500 };
const BUDGET: SearchPreset = {
  ...PAPER,
  name: 'budget',
  initNodeChannels: 8,
  stemMultiplier: 2,
  seedGrid: { reductions: [1, 1], cells: [3, 3], nodes: [1, 2] },
  seedTrain: recipe({ ...BUDGET_RECIPE, valFraction: 0.1 }),
  search: recipe({ ...BUDGET_RECIPE, valFraction: 0.2 }),
  postTrain: recipe({ ...BUDGET_RECIPE, valFraction: 0.1 }),
  maxMadd: null,
  maxPoolSize: null,
  maxSeconds: 600,
  examplesPerClass: 300,
  inputDownsample: 2,
  // ±1.5 % resolution at 90 % accuracy, at a tenth of MNIST's test split's cost on every model.
  testExamples: 1000,
};

export const PRESETS: Record<PresetName, SearchPreset> = { paper: PAPER, standard: STANDARD, tiny: TINY, ecv2022: ECV2022_PRESET, budget: BUDGET };

export type PresetOverrides = Partial<Omit<SearchPreset, 'seedGrid' | 'seedTrain' | 'search' | 'postTrain'>> & {
  seedGrid?: Partial<SearchPreset['seedGrid']>;
  seedTrain?: Partial<PhaseRecipe>;
  search?: Partial<PhaseRecipe>;
  postTrain?: Partial<PhaseRecipe>;
};

/** A fresh copy of a preset (or of the ECV variant, via `'ecv2022'`) with overrides merged per field. */
export function makePreset(name: PresetName, overrides: PresetOverrides = {}): SearchPreset {
  const base = PRESETS[name];
  if (!base) throw new Error(`makePreset: unknown preset ${JSON.stringify(name)} (paper, standard, tiny, ecv2022, budget)`);
  const { seedGrid, seedTrain, search, postTrain, ...rest } = overrides;
  const preset: SearchPreset = {
    ...base,
    ...rest,
    seedGrid: {
      reductions: [...(seedGrid?.reductions ?? base.seedGrid.reductions)],
      cells: [...(seedGrid?.cells ?? base.seedGrid.cells)],
      nodes: [...(seedGrid?.nodes ?? base.seedGrid.nodes)],
    },
    seedTrain: { ...base.seedTrain, ...seedTrain },
    search: { ...base.search, ...search },
    postTrain: { ...base.postTrain, ...postTrain },
  };
  checkPreset(preset);
  return preset;
}

function checkRecipe(r: PhaseRecipe, where: string): void {
  const bad = (field: string, v: unknown, want: string): never => {
    throw new Error(`preset.${where}.${field}: ${String(v)} is invalid, expected ${want}`);
  };
  if (!Number.isInteger(r.epochs) || r.epochs < 1) bad('epochs', r.epochs, 'an integer ≥ 1');
  if (!Number.isInteger(r.batchSize) || r.batchSize < 1) bad('batchSize', r.batchSize, 'an integer ≥ 1');
  if (!(r.lr > 0) || !(r.minLr >= 0) || r.minLr > r.lr) bad('lr', r.lr, 'lr > 0 and 0 ≤ minLr ≤ lr');
  if (!(r.valFraction > 0 && r.valFraction < 1)) bad('valFraction', r.valFraction, 'a fraction in (0, 1)');
  if (!Number.isInteger(r.cutout) || r.cutout < 0) bad('cutout', r.cutout, 'an integer ≥ 0');
}

/** Catches override mistakes early, with the field named, instead of deep inside a training job. */
function checkPreset(p: SearchPreset): void {
  for (const key of ['reductions', 'cells', 'nodes'] as const) {
    const [lo, hi] = p.seedGrid[key];
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo > hi || lo < (key === 'reductions' ? 0 : 1)) {
      throw new Error(`preset.seedGrid.${key}: [${lo}, ${hi}] is not an increasing integer range`);
    }
  }
  if (!Number.isInteger(p.initNodeChannels) || p.initNodeChannels < 1) {
    throw new Error(`preset.initNodeChannels: ${p.initNodeChannels} is not a positive integer`);
  }
  if (!Number.isInteger(p.topK) || p.topK < 1) throw new Error(`preset.topK: ${p.topK} is not an integer ≥ 1`);
  if (!(Number.isFinite(p.l1Alpha) && p.l1Alpha >= 0)) throw new Error(`preset.l1Alpha: ${p.l1Alpha} is not a finite number ≥ 0`);
  if (p.testExamples !== null && (!Number.isInteger(p.testExamples) || p.testExamples < 1)) {
    throw new Error(`preset.testExamples: ${p.testExamples} is not an integer ≥ 1 (null = the whole test split)`);
  }
  if (p.inputDownsample !== undefined && !(Number.isInteger(p.inputDownsample) && p.inputDownsample >= 1)) {
    throw new Error(`preset.inputDownsample: ${p.inputDownsample} is not an integer ≥ 1`);
  }
  checkRecipe(p.seedTrain, 'seedTrain');
  checkRecipe(p.search, 'search');
  checkRecipe(p.postTrain, 'postTrain');
  // Validation sets are nested prefixes of one per-class order (run-split.ts): a grown child is scored on the
  // post-training set, which its ancestors (seed and search phases) must have held out too.
  const post = p.postTrain.valFraction;
  if (post > p.seedTrain.valFraction || post > p.search.valFraction) {
    throw new Error(`preset.postTrain.valFraction: ${post} is larger than seedTrain.valFraction (${p.seedTrain.valFraction}) or search.valFraction (${p.search.valFraction}); grown children would be scored on examples their ancestors trained on`);
  }
}
