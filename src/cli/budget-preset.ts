// The headless runner's time budget (--minutes N): the same device measurement and sizing as the page, on
// the backend the runner uses. A job that starts before the budget's stop rule runs to its end here (the
// page cancels it instead), so the stop rule comes half a typical job early.

import type { DeviceCostModel } from '../core/budget/cost-model.ts';
import { jobCosts } from '../core/budget/estimate.ts';
import { sizeSearch, type SizedSearch } from '../core/budget/size-search.ts';
import { makePreset } from '../core/presets.ts';
import type { SearchPreset } from '../core/training/training-config.ts';
import { summarizeDataset, type Dataset } from '../data/dataset.ts';
import { measureDevice } from '../ml/train/measure-device.ts';

export interface BudgetPlan {
  preset: SearchPreset;
  sized: SizedSearch;
  model: DeviceCostModel;
}

/**
 * Measures the current backend and sizes a search that ends `minutes` after `startedAt` (ms of `now`), the
 * measurement and everything before it included. Throws when less than 10 s of the budget is left.
 */
export async function planBudget(opts: { dataset: Dataset; backend: string; minutes: number; startedAt: number; now?: () => number;
  seed?: number; onProgress?: (fraction: number, stage: string) => void }): Promise<BudgetPlan> {
  const now = opts.now ?? Date.now;
  const summary = summarizeDataset(opts.dataset);
  const model = await measureDevice({ shape: summary.shape, numClasses: summary.numClasses, space: makePreset('budget').space,
    backend: opts.backend, onProgress: opts.onProgress });
  const left = opts.minutes * 60 - (now() - opts.startedAt) / 1000;
  if (left < 10) throw new Error(`--minutes ${opts.minutes}: only ${Math.max(0, left).toFixed(0)} s of the budget are left after loading and measuring`);
  const sized = sizeSearch({ budgetSeconds: left, model, dataset: summary, workers: 1, seed: opts.seed });
  const costs = jobCosts(model, sized.preset, summary);
  const typicalJob = costs.pair / 2;
  const maxSeconds = Math.max(Math.round(left / 2), Math.round(left - typicalJob / 2));
  return { preset: makePreset('budget', { ...sized.overrides, maxSeconds }), sized, model };
}
