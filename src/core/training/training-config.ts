// Training recipes and search presets: the numbers that say how long and how hard each phase trains.

import type { SearchSpaceName } from '../space/model-desc.ts';

/** One training phase (seed training, search phase or post-training), as in the spec's §5 table. */
export interface PhaseRecipe {
  epochs: number;
  batchSize: number;
  /** Initial learning rate; cosine-annealed per epoch down to `minLr`. */
  lr: number;
  minLr: number;
  momentum: number;
  weightDecay: number;
  /** Clip gradients by their global norm to this value. */
  gradClip: number;
  /** Side of the cutout square in pixels; 0 disables it. */
  cutout: number;
  /** Fraction of the training examples held out for validation (never augmented). */
  valFraction: number;
  /** Stop each epoch after this many batches (tiny presets only); undefined = the whole split. */
  maxBatchesPerEpoch?: number;
  /** Cap on validation examples evaluated per epoch (tiny presets only). */
  maxValExamples?: number;
}

/**
 * `ecv2022` is Archai's 2022 configuration (mbconv candidates, stride-2 stems), kept as a second paper preset;
 * `budget` is the template a time budget sizes (src/core/budget/size-search.ts).
 */
export type PresetName = 'paper' | 'standard' | 'tiny' | 'ecv2022' | 'budget';

export interface SearchPreset {
  name: PresetName;
  space: SearchSpaceName;
  initNodeChannels: number;
  stemMultiplier: number;
  /** Seed grid: inclusive ranges of reductions, cells and nodes per cell. */
  seedGrid: { reductions: [number, number]; cells: [number, number]; nodes: [number, number] };
  seedTrain: PhaseRecipe;
  search: PhaseRecipe;
  postTrain: PhaseRecipe;
  /** Finalisation keeps this many (input, primitive) pairs by |α|. */
  topK: number;
  /** L1 penalty on α during the search phase. */
  l1Alpha: number;
  /** Relative tolerance of the ε-band around the lower convex hull. */
  eps: number;
  /** Stop rules: the search ends when any is reached. null = not used. */
  maxMadd: number | null;
  maxPoolSize: number | null;
  maxSeconds: number | null;
  /** Use at most this many training examples per class (quick searches); null = all. */
  examplesPerClass: number | null;
  /**
   * Measure each trained model's test accuracy on at most this many test examples (a stratified subset drawn
   * once per run, the same for every model); null = all of them. Never used to choose anything.
   */
  testExamples: number | null;
  /**
   * Every model of the search averages f×f blocks of the input first (ModelDesc.downsample): a resolution
   * knob that cuts MAdd about f²-fold. Absent = 1 (full resolution).
   */
  inputDownsample?: number;
  /** Seed of every random choice of the run (cells, α init, weight init, shuffles, augmentation). */
  seed: number;
}
