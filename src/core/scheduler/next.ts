// The follow-up job ("one finished job → one new job"), shared by the reducer's handlers, by restore (a job
// the stored records lack is replaced) and by continuing an ended run (the population is topped up).

import { sampleParent } from '../pareto/parent-sampling.ts';
import { addJob, withRng } from './draft.ts';
import type { Draft } from './draft.ts';
import { randomJobSpec, searchJobSpec } from './jobs.ts';
import type { Job, PoolPoint } from '../search-types.ts';

/**
 * Queues a search from a freshly sampled ε-band parent (its sampling count + 1, saved with `updatePoint`), or
 * for the random strategy a new random architecture. Returns the job, or null when the pool has no parent.
 */
export function queueNext(d: Draft, now: number): Job | null {
  const { config } = d.s;
  if (config.strategy === 'random') {
    const spec = withRng(d, (rng) => randomJobSpec(config.preset, config.input, config.numClasses, rng));
    return addJob(d, spec, now);
  }
  const parent = withRng(d, (rng) => sampleParent(d.s.pool, config.preset.eps, rng));
  if (parent === null) return null;
  const sampled: PoolPoint = { ...parent, samplingCount: parent.samplingCount + 1 };
  d.s.pool[d.s.pool.findIndex((p) => p.id === parent.id)] = sampled;
  d.cmds.push({ type: 'updatePoint', point: sampled });
  return addJob(d, searchJobSpec(sampled), now);
}
