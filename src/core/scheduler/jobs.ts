// The records the scheduler creates: jobs of each kind, pool points from results, and the random-search
// baseline's architectures.

import { countCost } from '../cost/cost.ts';
import { presetSeedDesc } from '../space/seeds.ts';
import type { MacroTriple, ModelDesc } from '../space/model-desc.ts';
import type { Rng } from '../rng.ts';
import type { CandidateChoices, Job, JobKind, JobResult, PoolPoint, TestScore } from '../search-types.ts';
import type { SearchPreset } from '../training/training-config.ts';

export function jobId(runId: string, n: number): string {
  return `${runId}-j${String(n).padStart(4, '0')}`;
}

export function pointId(runId: string, n: number): string {
  return `${runId}-p${String(n).padStart(4, '0')}`;
}

export interface NewJob {
  kind: JobKind;
  desc: ModelDesc;
  macro: MacroTriple;
  parentPointId: string | null;
  initWeightsKey: string | null;
}

export function makeJob(id: string, spec: NewJob, now: number): Job {
  return { id, status: 'queued', attempt: 1, batchSizeScale: 1, error: null, createdAt: now, ...spec };
}

/** Grow the sampled parent: the worker inserts the candidate into the parent's description itself. */
export function searchJobSpec(parent: PoolPoint): NewJob {
  return {
    kind: 'search',
    desc: parent.desc,
    macro: parent.macro,
    parentPointId: parent.id,
    initWeightsKey: parent.weightsKey,
  };
}

/** Train the finalised child, warm-started from the search phase's weights; the parent stays the pool point. */
export function postTrainJobSpec(search: Job, result: JobResult): NewJob {
  return {
    kind: 'post_train',
    desc: result.desc,
    macro: { ...search.macro, nodes: search.macro.nodes + 1 },
    parentPointId: search.parentPointId,
    initWeightsKey: result.weightsKey,
  };
}

export function checkResult(job: Job, result: JobResult): void {
  if (result.jobId !== job.id) {
    throw new Error(`jobDone for ${job.id}: result.jobId is ${result.jobId}, expected ${job.id}`);
  }
  if (!(result.bestValAcc >= 0 && result.bestValAcc <= 1)) {
    throw new RangeError(`jobDone for ${job.id}: result.bestValAcc must be in [0, 1], got ${result.bestValAcc}`);
  }
  if (result.testAcc !== undefined && !(result.testAcc >= 0 && result.testAcc <= 1)) {
    throw new RangeError(`jobDone for ${job.id}: result.testAcc must be in [0, 1], got ${result.testAcc}`);
  }
  if (result.testCount !== undefined && !(Number.isInteger(result.testCount) && result.testCount >= 0)) {
    throw new RangeError(`jobDone for ${job.id}: result.testCount must be an integer ≥ 0, got ${result.testCount}`);
  }
}

/**
 * A job's starting weights are what its kind needs: a seed trains from scratch; a search starts from its
 * parent's trained weights and a post-training from the search's weights, so either without them would
 * silently train from scratch. Throws an Error naming the job when `hasInitWeights` does not match.
 */
export function checkStartWeights(job: Pick<Job, 'id' | 'kind'>, hasInitWeights: boolean): void {
  if (job.kind === 'seed_train' && hasInitWeights) throw new Error(`seed_train job ${job.id}: a seed trains from scratch, got initWeights`);
  if (job.kind === 'search' && !hasInitWeights) {
    throw new Error(`search job ${job.id}: initWeights (the parent's trained weights) are missing; a search never trains from scratch`);
  }
  if (job.kind === 'post_train' && !hasInitWeights) throw new Error(`post_train job ${job.id}: initWeights (the search weights) are missing`);
}

/** Where a finished job's trained weights are stored (the app's IndexedDB and the headless runner alike). */
export function weightsKeyOf(job: Pick<Job, 'id'>): string {
  return `${job.id}/weights`;
}

/** The pool point of a finished training job; lineage points at the real parent and the count starts at 0. */
export function makePoint(
  id: string,
  job: Job,
  result: JobResult,
  choices: CandidateChoices | null,
  now: number,
): PoolPoint {
  const cost = countCost(result.desc);
  return {
    id,
    stage: job.kind === 'post_train' ? 'search_trained' : 'seed_trained',
    parentId: job.parentPointId,
    jobId: job.id,
    desc: result.desc,
    macro: job.macro,
    madd: cost.madd,
    params: cost.params,
    error: 1 - result.bestValAcc,
    history: result.history,
    samplingCount: 0,
    choices,
    weightsKey: result.weightsKey,
    createdAt: now,
    inheritance: result.inheritance,
    // Carried for the record only: hull, ε-band, parent sampling and "best" read `error`, never these.
    ...testScoreOf(result),
  };
}

/**
 * The test fields of a result or an exported point, when it has all of them; {} otherwise (a search result,
 * older records, and exported points whose fields are null).
 */
export function testScoreOf(r: { testAcc?: number | null; testCount?: number | null; testSource?: TestScore['testSource'] | null }): Partial<TestScore> {
  return r.testAcc == null || r.testCount == null || r.testSource == null
    ? {} : { testAcc: r.testAcc, testCount: r.testCount, testSource: r.testSource };
}

function intIn(rng: Rng, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

/**
 * A uniformly random reduction count of the grid (among those with a legal cell count), cells in the grid
 * with n ≥ 2R+1, and nodes up to the grid's maximum + 2, as far as Petridish's children typically grow.
 */
export function randomMacro(grid: SearchPreset['seedGrid'], rng: Rng): MacroTriple {
  const [rLo, rHi] = grid.reductions;
  const [cLo, cHi] = grid.cells;
  const legal: number[] = [];
  for (let r = rLo; r <= rHi; r++) if (Math.max(cLo, 2 * r + 1) <= cHi) legal.push(r);
  if (legal.length === 0) {
    throw new RangeError(`randomMacro: no reductions in [${rLo}, ${rHi}] allow cells ≤ ${cHi} with cells ≥ 2R+1`);
  }
  const reductions = rng.pick(legal);
  const cells = intIn(rng, Math.max(cLo, 2 * reductions + 1), cHi);
  const nodes = intIn(rng, grid.nodes[0], grid.nodes[1] + 2);
  return { cells, reductions, nodes };
}

/** The random-search baseline's next architecture: a random macro triple with random seed-style cells. */
export function randomJobSpec(
  preset: SearchPreset,
  input: ModelDesc['input'],
  numClasses: number,
  rng: Rng,
): NewJob {
  const macro = randomMacro(preset.seedGrid, rng);
  const desc = presetSeedDesc(preset, input, numClasses, macro, rng);
  return { kind: 'seed_train', desc, macro, parentPointId: null, initWeightsKey: null };
}
