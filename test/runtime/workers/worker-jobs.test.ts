// The worker side both controllers share: live progress while a job runs, a stop asked for here (even one
// that comes while the request is being built) ends as an interruption, any other error as a failure.
import { describe, expect, it } from 'vitest';
import { makePreset } from '../../../src/core/presets.ts';
import type { WorkerJobRequest } from '../../../src/shared/worker-api.ts';
import { WorkerJobs } from '../../../src/runtime/workers/worker-jobs.ts';
import { makeJob } from '../../persistence/persistence-fixtures.ts';
import { FakeRunner, waitUntil } from '../fake-runner.ts';

function requestOf(id: string): WorkerJobRequest {
  const { runId: _r, ...job } = makeJob('r1', id, { kind: 'seed_train' });
  return { job, preset: makePreset('tiny'), dataset: { dbName: 'test', id: 'd' }, initWeights: null, parentDesc: null, resume: null };
}

function ends() {
  const seen: string[] = [];
  return { seen, ends: { done: () => void seen.push('done'), interrupted: () => void seen.push('interrupted'), failed: (e: string) => void seen.push(`failed: ${e}`) } };
}

describe('WorkerJobs', () => {
  it('keeps the live progress of a running job and drops it at the end; the result goes to done', async () => {
    const runner = new FakeRunner(false);
    let changes = 0;
    const jobs = new WorkerJobs(runner, () => 1000, () => (changes += 1));
    const { seen, ends: e } = ends();
    let started = 0;
    jobs.launch('j1', () => jobs.run(requestOf('j1'), { epoch: 2, epochs: 5, history: [] }, { onCheckpoint: async () => undefined, onStart: () => void (started += 1) }), e);
    await waitUntil(() => runner.pending.has('j1'), 'the job to reach the runner');
    expect(started).toBe(1);
    expect(jobs.live['j1']).toMatchObject({ epoch: 2, epochs: 5, batch: 0, startedAt: 1000 });
    runner.pending.get('j1')?.cb.onProgress({ jobId: 'j1', epoch: 3, epochs: 5, batch: 4, batches: 8, loss: 1.5 });
    expect(jobs.live['j1']).toMatchObject({ epoch: 3, batch: 4, batches: 8, loss: 1.5 });
    runner.answer('j1');
    await waitUntil(() => seen.length === 1, 'the end');
    expect(seen).toEqual(['done']);
    expect(jobs.live).toEqual({});
    expect(changes).toBeGreaterThanOrEqual(2);
  });

  it('a stop asked for here ends as an interruption, also when it comes before the job reaches the runner', async () => {
    const runner = new FakeRunner(false);
    const jobs = new WorkerJobs(runner, () => 0, () => undefined);
    const a = ends();
    jobs.launch('j1', () => jobs.run(requestOf('j1'), { epoch: 0, epochs: 1, history: [] }, { onCheckpoint: async () => undefined }), a.ends);
    await waitUntil(() => runner.pending.has('j1'), 'the job');
    jobs.cancel('j1');
    await waitUntil(() => a.seen.length === 1, 'the end');
    expect(a.seen).toEqual(['interrupted']);

    const b = ends();
    let release: () => void = () => undefined;
    const built = new Promise<void>((resolve) => (release = resolve));
    jobs.launch('j2', async () => {
      await built; // the request is still being built when the stop comes
      return jobs.run(requestOf('j2'), { epoch: 0, epochs: 1, history: [] }, { onCheckpoint: async () => undefined });
    }, b.ends);
    jobs.cancel('j2');
    release();
    await waitUntil(() => b.seen.length === 1, 'the end');
    expect(b.seen).toEqual(['interrupted']);
    expect(runner.requestsOf('j2')).toEqual([]);
  });

  it('any other error is a failure, with its text', async () => {
    const runner = new FakeRunner(true, () => new Error('the GPU device was lost'));
    const jobs = new WorkerJobs(runner, () => 0, () => undefined);
    const { seen, ends: e } = ends();
    jobs.launch('j1', () => jobs.run(requestOf('j1'), { epoch: 0, epochs: 1, history: [] }, { onCheckpoint: async () => undefined }), e);
    await waitUntil(() => seen.length === 1, 'the end');
    expect(seen[0]).toMatch(/^failed: .*the GPU device was lost/);
    expect(jobs.live).toEqual({});
  });
});
