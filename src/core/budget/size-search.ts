// A search sized to a time budget: from the budget, the device's measured cost model, the dataset and the
// number of workers, choose the input resolution, examples per class, epochs per phase, channels and the seed
// grid so that a search of at least a few pool points ends within the budget with models that learn. The
// choice is the richest rung of a fixed ladder whose planned search fits; the search itself then runs until
// the budget (maxSeconds), growing as many further points as the time allows.

import { makePreset, type PresetOverrides } from '../presets.ts';
import type { PhaseRecipe, SearchPreset } from '../training/training-config.ts';
import type { DeviceCostModel } from './cost-model.ts';
import { describeDuration, estimateSearch, type DatasetCounts, type SearchEstimate } from './estimate.ts';

export interface SizingInput {
  /** Seconds the search may run (the measurement already done is not part of it). */
  budgetSeconds: number;
  model: DeviceCostModel;
  dataset: DatasetCounts;
  /** Jobs run this many at a time. */
  workers: number;
  /** The run's seed (default: the template's). */
  seed?: number;
}

/** One rung of the ladder: a target input side (the downsampling factor is the one that comes closest), width, data and length. */
export interface Rung {
  side: number;
  channels: number;
  examplesPerClass: number;
  epochs: number;
}

/** From the cheapest rung that still learns on MNIST-like data to a full evening's training. */
export const RUNGS: readonly Rung[] = [
  { side: 7, channels: 8, examplesPerClass: 100, epochs: 3 },
  { side: 7, channels: 8, examplesPerClass: 200, epochs: 3 },
  { side: 14, channels: 8, examplesPerClass: 200, epochs: 3 },
  { side: 14, channels: 8, examplesPerClass: 300, epochs: 3 },
  { side: 14, channels: 8, examplesPerClass: 500, epochs: 3 },
  { side: 14, channels: 16, examplesPerClass: 500, epochs: 4 },
  { side: 32, channels: 16, examplesPerClass: 500, epochs: 4 },
  { side: 32, channels: 16, examplesPerClass: 1000, epochs: 6 },
  { side: 32, channels: 16, examplesPerClass: 2000, epochs: 10 },
  { side: 32, channels: 16, examplesPerClass: 5000, epochs: 20 },
];

/** Seed grids from small to large, each with the pool size its planned search must reach. */
export const GRIDS: readonly { grid: SearchPreset['seedGrid']; seeds: number; points: number }[] = [
  { grid: { reductions: [1, 1], cells: [3, 3], nodes: [1, 2] }, seeds: 2, points: 6 },
  { grid: { reductions: [1, 1], cells: [3, 4], nodes: [1, 2] }, seeds: 4, points: 8 },
  { grid: { reductions: [1, 2], cells: [3, 5], nodes: [1, 2] }, seeds: 8, points: 16 },
];

/**
 * A rung fits when its planned search, priced by the estimate, fills at most 1/PLAN_MARGIN of the budget. The
 * estimate ran short of real runs by about 1.5× on a loaded CPU (BENCHMARKS.md, "real / estimate = 1.48"),
 * and a search planned to the second reaches fewer points than planned; the spare time grows further points.
 */
export const PLAN_MARGIN = 1.5;

/** Validation examples evaluated per epoch: enough to tell models apart, cheap on a slow device. */
export const MAX_VAL_EXAMPLES = 500;

export interface SizingChoice {
  rung: Rung;
  /** Integer factor of the area averaging inside every model (ModelDesc.downsample). */
  downsample: number;
  inputSize: { height: number; width: number };
  examplesPerClass: number | null;
  epochs: number;
  channels: number;
  seedGrid: SearchPreset['seedGrid'];
  seeds: number;
  /** Pool points the planned search reaches in the estimate (it may grow more before the budget ends). */
  plannedPoints: number;
}

export interface SizedSearch {
  /** The preset to run (name 'budget'), equal to makePreset('budget', overrides). */
  preset: SearchPreset;
  overrides: PresetOverrides;
  choice: SizingChoice;
  /** The planned search (plannedPoints points), priced on the device. */
  estimate: SearchEstimate;
  /** False when even the cheapest rung does not fit: the search still stops at the budget. */
  fits: boolean;
  /** Plain words: "14×14 inputs, 300 images per class, 3 epochs: fits 10 minutes here". */
  explanation: string;
}

/** The integer factor whose result comes closest to `side` (never below 1, never above the image). */
export function downsampleFor(height: number, width: number, side: number): number {
  const short = Math.min(height, width);
  if (side >= short) return 1;
  let best = 1;
  for (let f = 1; f <= short; f++) {
    if (Math.abs(Math.floor(short / f) - side) < Math.abs(Math.floor(short / best) - side)) best = f;
  }
  // A network needs at least 4 pixels a side before its reduction cell.
  while (best > 1 && Math.floor(short / best) < 4) best--;
  return best;
}

/** Epochs of the search phase for `epochs` of seed and post-training: a third, at least one. */
export const searchEpochs = (epochs: number): number => Math.max(1, Math.floor(epochs / 3));

const recipe = (epochs: number, valFraction: number): Partial<PhaseRecipe> => ({ epochs, valFraction, maxValExamples: MAX_VAL_EXAMPLES });

/** The preset overrides of one (rung, grid) choice, with the run's stop rule at the budget. */
export function overridesFor(input: SizingInput, rung: Rung, grid: SearchPreset['seedGrid'], maxPoolSize: number | null): PresetOverrides {
  const { shape, trainCount, numClasses } = input.dataset;
  const perClass = Math.floor(trainCount / Math.max(1, numClasses));
  const n = rung.examplesPerClass >= perClass ? null : rung.examplesPerClass;
  return {
    inputDownsample: downsampleFor(shape.height, shape.width, rung.side),
    initNodeChannels: rung.channels,
    examplesPerClass: n,
    seedGrid: grid,
    seedTrain: recipe(rung.epochs, 0.1),
    // The search phase trains the parent plus a candidate with every primitive on every input (about four
    // times a seed's MAdd); it only has to rank the candidate's branches, so it gets a third of the epochs.
    search: recipe(searchEpochs(rung.epochs), 0.2),
    postTrain: recipe(rung.epochs, 0.1),
    maxPoolSize,
    maxSeconds: Math.max(1, Math.round(input.budgetSeconds)),
    ...(input.seed !== undefined ? { seed: input.seed } : {}),
  };
}

function choiceOf(preset: SearchPreset, rung: Rung, seeds: number, points: number, d: DatasetCounts): SizingChoice {
  const f = preset.inputDownsample ?? 1;
  return {
    rung, downsample: f, inputSize: { height: Math.floor(d.shape.height / f), width: Math.floor(d.shape.width / f) },
    examplesPerClass: preset.examplesPerClass, epochs: preset.seedTrain.epochs, channels: preset.initNodeChannels,
    seedGrid: preset.seedGrid, seeds, plannedPoints: points,
  };
}

function explain(c: SizingChoice, e: SearchEstimate, budgetSeconds: number, fits: boolean, backend: string): string {
  const images = c.examplesPerClass === null ? 'all images' : `${c.examplesPerClass} images per class`;
  const what = `${c.inputSize.height}×${c.inputSize.width} inputs, ${images}, ${c.epochs} epochs (${searchEpochs(c.epochs)} in the search phase), ${c.channels} channels, ${c.seeds} seed models`;
  const budget = describeDuration(budgetSeconds).replace(/^about /, '');
  if (!fits) return `${what}: the smallest search; even it needs ${describeDuration(e.uncappedSeconds)} for ${c.plannedPoints} models on this device (${backend}), so it stops at ${budget} with the models finished by then`;
  return `${what}: about ${c.plannedPoints} models fit ${budget} on this device (${backend}); the search keeps growing until the time is up`;
}

/**
 * Sizes a search to `budgetSeconds` on the device of `model`. Tries the rungs from the richest down and, for
 * each, the seed grids from the largest down; the first whose planned search (the grid's pool size) fits the
 * budget with PLAN_MARGIN to spare wins, so a faster device (a GPU) gets a richer search from the same budget. When nothing fits, the
 * cheapest rung on the smallest grid is returned with `fits: false`. Throws on a non-positive budget.
 */
export function sizeSearch(input: SizingInput): SizedSearch {
  if (!(input.budgetSeconds > 0)) throw new Error(`sizeSearch: the budget must be a positive number of seconds, got ${input.budgetSeconds}`);
  const workers = Math.max(1, Math.floor(input.workers));
  const smallest = GRIDS[0];
  const cheapest = RUNGS[0];
  if (!smallest || !cheapest) throw new Error('sizeSearch: the ladder is empty');
  const plan = (rung: Rung, g: (typeof GRIDS)[number]): { preset: SearchPreset; overrides: PresetOverrides; estimate: SearchEstimate } => {
    const planned = makePreset('budget', overridesFor(input, rung, g.grid, g.points));
    const estimate = estimateSearch({ ...planned, maxSeconds: null }, input.dataset, input.model, workers);
    return { preset: planned, overrides: overridesFor(input, rung, g.grid, null), estimate };
  };
  for (const rung of [...RUNGS].reverse()) {
    for (const g of [...GRIDS].reverse()) {
      const p = plan(rung, g);
      if (p.estimate.uncappedSeconds * PLAN_MARGIN <= input.budgetSeconds) {
        const choice = choiceOf(p.preset, rung, g.seeds, g.points, input.dataset);
        return { preset: makePreset('budget', p.overrides), overrides: p.overrides, choice, estimate: p.estimate, fits: true,
          explanation: explain(choice, p.estimate, input.budgetSeconds, true, input.model.backend) };
      }
    }
  }
  const p = plan(cheapest, smallest);
  const choice = choiceOf(p.preset, cheapest, smallest.seeds, smallest.points, input.dataset);
  return { preset: makePreset('budget', p.overrides), overrides: p.overrides, choice, estimate: p.estimate, fits: false,
    explanation: explain(choice, p.estimate, input.budgetSeconds, false, input.model.backend) };
}
