// The final training (Archai's evaluation stage, spec §4.4–§5): a pool point's cells rebuilt at an evaluation
// width and trained fully with drop path, the auxiliary tower and cutout. Here: its settings per preset, the
// user's changes to width and epochs, and the evaluation-width description.

import type { ModelDesc } from '../space/model-desc.ts';
import type { PhaseRecipe, SearchPreset } from '../training/training-config.ts';

export interface FinalSpec {
  /** The training recipe (SGD, cosine schedule, cutout); `valFraction` is unused: the whole training split trains. */
  recipe: PhaseRecipe;
  /** Node channels C of the first cells at evaluation width. */
  initNodeChannels: number;
  stemMultiplier: number;
  /** Drop path probability reached at the last epoch (linear ramp from 0). */
  dropPathProb: number;
  /** Weight of the auxiliary tower's loss; 0 = no tower. The tower exists only with more than one reduction. */
  auxWeight: number;
  /** Cap on the number of cells of the rebuilt model (Archai's eval `n_cells`: 20 canonical, 10 ECV 2022). */
  maxCells: number;
}

/** What the user may change before starting a final training. */
export interface FinalChoices {
  initNodeChannels?: number;
  epochs?: number;
}

/** Archai's evaluation stage, canonical (spec §5): 600 epochs, batch 64, 36 channels, stem ×3, p 0.2, aux 0.4. */
const PAPER_EPOCHS = 600;
const PAPER_SEARCH_EPOCHS = 80;
const PAPER_SEARCH_WIDTH = 16;
const PAPER_EVAL_WIDTH = 36;
const EVAL_BATCH = 64;

/**
 * The preset's final training. `paper` is Archai's canonical evaluation stage; `ecv2022` Archai's 2022 one
 * (1500 epochs, batch 32, no tower; its AutoAugment is not reproduced). Other presets scale the paper's to
 * their budget: the width by 36/16 of the search width, the epochs by 600/80 of the post-training epochs, the
 * batch at most 64 and at most the post-training batch, cutout and the tiny caps of their post-training.
 */
export function defaultFinalSpec(preset: SearchPreset): FinalSpec {
  const post = preset.postTrain;
  if (preset.space === 'ecv2022') {
    return { recipe: { ...post, epochs: 1500 }, initNodeChannels: preset.initNodeChannels, stemMultiplier: preset.stemMultiplier,
      dropPathProb: 0.2, auxWeight: 0, maxCells: 10 };
  }
  return {
    recipe: { ...post, epochs: Math.max(1, Math.round((PAPER_EPOCHS * post.epochs) / PAPER_SEARCH_EPOCHS)),
      batchSize: Math.min(EVAL_BATCH, post.batchSize) },
    initNodeChannels: Math.max(1, Math.round((preset.initNodeChannels * PAPER_EVAL_WIDTH) / PAPER_SEARCH_WIDTH)),
    stemMultiplier: preset.stemMultiplier,
    dropPathProb: 0.2,
    auxWeight: 0.4,
    maxCells: 20,
  };
}

/**
 * The preset's final training with the user's width and epochs. Throws a RangeError naming the field when a
 * choice is not a positive integer (the width must also be even: a factorized reduce halves it).
 */
export function finalSpecWith(preset: SearchPreset, choices: FinalChoices = {}): FinalSpec {
  const spec = defaultFinalSpec(preset);
  const width = choices.initNodeChannels ?? spec.initNodeChannels;
  const epochs = choices.epochs ?? spec.recipe.epochs;
  if (!Number.isInteger(width) || width < 1) {
    throw new RangeError(`final training: width (initial node channels) must be an integer ≥ 1, got ${width}`);
  }
  if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`final training: epochs must be an integer ≥ 1, got ${epochs}`);
  return { ...spec, initNodeChannels: width, recipe: { ...spec.recipe, epochs } };
}

/**
 * The pool point's cells rebuilt at evaluation width: the same templates (weights are not inherited), the
 * spec's channels and stem multiplier, and at most `maxCells` cells (spec §4.4; the reductions stay).
 */
export function finalDesc(desc: ModelDesc, spec: FinalSpec): ModelDesc {
  return {
    ...desc,
    initNodeChannels: spec.initNodeChannels,
    stemMultiplier: spec.stemMultiplier,
    nCells: Math.max(Math.min(desc.nCells, spec.maxCells), 2 * desc.nReductions + 1),
  };
}
