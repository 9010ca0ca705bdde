// Cosine annealing of the learning rate per epoch (PyTorch's CosineAnnealingLR with T_max = epochs, no warm-up).

import type { PhaseRecipe } from './training-config.ts';

/** The learning rate for 0-based `epoch`: `lr` at epoch 0, `minLr` at epoch `epochs`. */
export function cosineLr(recipe: Pick<PhaseRecipe, 'lr' | 'minLr' | 'epochs'>, epoch: number): number {
  const { lr, minLr, epochs } = recipe;
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`cosineLr: recipe.epochs must be an integer ≥ 1, got ${epochs}`);
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > epochs) {
    throw new Error(`cosineLr: epoch must be an integer in [0, ${epochs}], got ${epoch}`);
  }
  return minLr + ((lr - minLr) * (1 + Math.cos((Math.PI * epoch) / epochs))) / 2;
}
