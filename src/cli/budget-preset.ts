// The headless runner's time budget (--minutes N): the same device measurement and sizing as the page, on
// the backend the runner uses, for the runner's number of workers. The runner ticks the scheduler's clock,
// so at the budget's stop rule the running jobs are cancelled at their next batch, as on the page; the rule
// comes a small margin early for that batch, the export and the exit.

import type { DeviceCostModel } from '../core/budget/cost-model.ts';
import { sizeSearch, type SizedSearch } from '../core/budget/size-search.ts';
import { makePreset } from '../core/presets.ts';
import type { SearchPreset } from '../core/training/training-config.ts';
import { summarizeDataset, type Dataset } from '../data/dataset.ts';
import { measureDevice } from '../ml/train/measure-device.ts';

/** Seconds the stop rule comes before the budget's end: 2 % of what is left, at least 5 s. */
export function stopMargin(leftSeconds: number): number {
  return Math.max(5, 0.02 * leftSeconds);
}

export interface BudgetPlan {
  preset: SearchPreset;
  sized: SizedSearch;
  model: DeviceCostModel;
}

/**
 * Measures the current backend and sizes a search that ends `minutes` after `startedAt` (ms of `now`), the
 * measurement and everything before it included, with `workers` jobs at a time (default 1). Throws when
 * less than 10 s of the budget is left.
 */
export async function planBudget(opts: { dataset: Dataset; backend: string; minutes: number; startedAt: number; now?: () => number;
  seed?: number; workers?: number; onProgress?: (fraction: number, stage: string) => void }): Promise<BudgetPlan> {
  const now = opts.now ?? Date.now;
  const summary = summarizeDataset(opts.dataset);
  const model = await measureDevice({ shape: summary.shape, numClasses: summary.numClasses, space: makePreset('budget').space,
    backend: opts.backend, onProgress: opts.onProgress });
  const left = opts.minutes * 60 - (now() - opts.startedAt) / 1000;
  if (left < 10) throw new Error(`--minutes ${opts.minutes}: only ${Math.max(0, left).toFixed(0)} s of the budget are left after loading and measuring`);
  const sized = sizeSearch({ budgetSeconds: left, model, dataset: summary, workers: opts.workers ?? 1, seed: opts.seed });
  const maxSeconds = Math.round(left - stopMargin(left));
  return { preset: makePreset('budget', { ...sized.overrides, maxSeconds }), sized, model };
}
