// WorkerPool with fake workers (comlink over Node MessageChannels): lazy start, one job per worker, crash,
// time limit, cancel at the next batch and terminate after the grace period, and the error texts.

import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { JobCancelledError, NanLossError } from '../../../src/ml/errors.ts';
import type { BackendInfo } from '../../../src/ml/backend-types.ts';
import { JobTimeoutError, WorkerCrashError, WorkerPool, jobErrorText, type PoolOptions } from '../../../src/runtime/workers/worker-pool.ts';
import type { TrainerApi, WorkerJobRequest } from '../../../src/shared/worker-api.ts';
import { outcomeOf } from '../fake-runner.ts';
import { makeJob } from '../../persistence/persistence-fixtures.ts';

const INFO: BackendInfo = { backend: 'cpu', fallbackReason: null, adapter: null, chosenBy: 'default' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** When set, the next fake workers' backend initialisation fails with this message. */
let initFailure: string | null = null;

/** A Worker stand-in: the trainer API on the far end of a MessageChannel; the job id picks its behaviour. */
class FakeWorker {
  terminated = false;
  private readonly port: MessagePort;
  private readonly far: MessagePort;
  private readonly errors = new EventTarget();
  private readonly cancelled = new Set<string>();

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.far = port2;
    Comlink.expose(this.api(), port2);
  }

  private api(): TrainerApi {
    return {
      init: async () => {
        if (initFailure) throw new Error(initFailure);
        return INFO;
      },
      runJob: async (req) => {
        const id = req.job.id;
        await sleep(5);
        if (id.startsWith('ok')) return outcomeOf(req.job);
        if (id.startsWith('oom')) throw new Error('failed to allocate buffer: out of memory');
        if (id.startsWith('nan')) throw new NanLossError(1, 2, Number.NaN);
        if (id.startsWith('crash')) this.crash('Uncaught Error: injected crash');
        // 'coop' stops at its next batch once cancelled; 'hang' never answers.
        for (;;) {
          await sleep(2);
          if (id.startsWith('coop') && this.cancelled.has(id)) throw new JobCancelledError(`job ${id} cancelled`);
        }
      },
      cancel: (jobId) => void this.cancelled.add(jobId),
      memory: () => ({ numTensors: 0, numBytes: 0 }),
    };
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer as never);
  }

  addEventListener(type: string, listener: EventListener): void {
    if (type === 'message') this.port.addEventListener('message', listener as never);
    else this.errors.addEventListener(type, listener);
  }

  removeEventListener(type: string, listener: EventListener): void {
    if (type === 'message') this.port.removeEventListener('message', listener as never);
    else this.errors.removeEventListener(type, listener);
  }

  start(): void {
    this.port.start();
  }

  crash(message: string): void {
    const ev = new Event('error', { cancelable: true });
    Object.defineProperty(ev, 'message', { value: message });
    this.errors.dispatchEvent(ev);
  }

  terminate(): void {
    this.terminated = true;
    this.port.close();
    this.far.close();
  }
}

const workers: FakeWorker[] = [];
let pool: WorkerPool | null = null;

function makePool(opts: Partial<PoolOptions> = {}): WorkerPool {
  pool = new WorkerPool({
    size: 1,
    createWorker: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w as unknown as Worker;
    },
    jobTimeLimitMs: null,
    ...opts,
  });
  return pool;
}

function request(jobId: string): WorkerJobRequest {
  return { job: makeJob('r', jobId), preset: {} as WorkerJobRequest['preset'], dataset: { dbName: 'x', id: 'd' }, initWeights: null, parentDesc: null, resume: null };
}

const cb = { onProgress: () => undefined, onCheckpoint: async () => undefined };

afterEach(() => {
  initFailure = null;
  pool?.shutdown();
  pool = null;
  workers.length = 0;
});

describe('WorkerPool', () => {
  it('starts workers lazily and runs one job per worker at a time', async () => {
    const p = makePool({ size: 1 });
    expect(workers).toHaveLength(0);
    const a = p.run(request('ok-a'), cb);
    const b = p.run(request('ok-b'), cb);
    await sleep(1);
    expect(p.busy).toBe(1);
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.result.jobId).toBe('ok-a');
    expect(rb.result.jobId).toBe('ok-b');
    expect(workers).toHaveLength(1);
    expect(p.busy).toBe(0);
  });

  it('stopIdle stops the idle workers only, keeps the backend known, and the next job starts a worker again', async () => {
    const p = makePool({ size: 2 });
    const busy = p.run(request('coop-a'), cb);
    expect((await p.run(request('ok-b'), cb)).result.jobId).toBe('ok-b');
    expect(p.started).toBe(2);
    expect(p.stopIdle()).toBe(1);
    expect(p.started).toBe(1);
    expect(workers.filter((w) => w.terminated)).toHaveLength(1);
    p.cancel('coop-a');
    await expect(busy).rejects.toThrow(/job coop-a cancelled/);
    expect(p.stopIdle()).toBe(1);
    expect(p.started).toBe(0);
    // The backend is still known without a worker; a job starts a fresh one.
    expect(await p.backend()).toEqual(INFO);
    expect(workers).toHaveLength(2);
    expect((await p.run(request('ok-c'), cb)).result.jobId).toBe('ok-c');
    expect(workers).toHaveLength(3);
  });

  it('starts no worker until a job or request needs one, and says when a worker cannot initialise its backend', async () => {
    const reported: BackendInfo[] = [];
    const failed: string[] = [];
    const p = makePool({ onBackend: (i) => reported.push(i), onBackendError: (e) => failed.push(String(e)) });
    expect(p.started).toBe(0);
    expect(await p.memory()).toEqual([]);
    initFailure = 'no backend could be initialised';
    await expect(p.run(request('ok-a'), cb)).rejects.toThrow(/no backend could be initialised/);
    expect(failed).toEqual([expect.stringMatching(/no backend could be initialised/)]);
    expect(reported).toEqual([]);
    p.stopIdle();
    initFailure = null;
    expect((await p.run(request('ok-b'), cb)).result.jobId).toBe('ok-b');
    expect(reported).toEqual([INFO]);
  });

  it('resize lets more jobs run at once, and shrinking stops workers above the new size', async () => {
    const p = makePool({ size: 1 });
    // Caught at once: b may be cancelled before it starts and reject while a is still awaited.
    const a = p.run(request('coop-a'), cb).catch((x: unknown) => x);
    const b = p.run(request('coop-b'), cb).catch((x: unknown) => x);
    await sleep(10);
    expect([p.busy, workers.length]).toEqual([1, 1]);
    p.resize(2);
    await sleep(10);
    expect([p.busy, workers.length]).toEqual([2, 2]);
    p.resize(1);
    p.cancel('coop-a');
    p.cancel('coop-b');
    expect(jobErrorText(await a)).toMatch(/^cancelled/);
    expect(jobErrorText(await b)).toMatch(/^cancelled/);
    expect(workers.filter((w) => !w.terminated)).toHaveLength(1);
    expect(() => p.resize(0)).toThrow(/integer ≥ 1, got 0/);
  });

  it('a crashed worker rejects its job with WorkerCrashError and is replaced', async () => {
    const p = makePool();
    await expect(p.run(request('crash-1'), cb)).rejects.toThrow(WorkerCrashError);
    expect(workers[0]?.terminated).toBe(true);
    await expect(p.run(request('ok-2'), cb)).resolves.toMatchObject({ result: { jobId: 'ok-2' } });
    expect(workers).toHaveLength(2);
  });

  it('a job past its time limit fails with JobTimeoutError and its worker is replaced', async () => {
    const p = makePool({ jobTimeLimitMs: 40 });
    const e = await p.run(request('hang-1'), cb).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(JobTimeoutError);
    expect(jobErrorText(e)).toMatch(/^time limit: the job ran longer than its time limit/);
    expect(workers[0]?.terminated).toBe(true);
    await expect(p.run(request('ok-2'), cb)).resolves.toBeDefined();
  });

  it('cancel stops a job at its next batch and keeps the worker', async () => {
    const p = makePool({ cancelGraceMs: 5000 });
    const job = p.run(request('coop-1'), cb);
    await sleep(20);
    p.cancel('coop-1');
    const e = await job.catch((x: unknown) => x);
    expect(jobErrorText(e)).toMatch(/^cancelled/);
    expect(workers[0]?.terminated).toBe(false);
    await p.run(request('ok-2'), cb);
    expect(workers).toHaveLength(1);
  });

  it('a job cancelled before it reached its worker never starts', async () => {
    const p = makePool({ cancelGraceMs: 5000 });
    const first = p.run(request('ok-1'), cb);
    const job = p.run(request('hang-2'), cb);
    p.cancel('hang-2');
    await first;
    const e = await job.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(JobCancelledError);
    expect(workers).toHaveLength(1);
    expect(workers[0]?.terminated).toBe(false);
  });

  it('a cancelled job that does not stop within the grace period has its worker terminated', async () => {
    const p = makePool({ cancelGraceMs: 30 });
    const job = p.run(request('hang-1'), cb);
    await sleep(20);
    p.cancel('hang-1');
    const e = await job.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WorkerCrashError);
    expect(String((e as Error).message)).toMatch(/did not stop within/);
    expect(workers[0]?.terminated).toBe(true);
  });

  it('replaces the worker after an out-of-memory error but keeps it after a NaN loss', async () => {
    const p = makePool();
    const oom = await p.run(request('oom-1'), cb).catch((x: unknown) => x);
    expect(jobErrorText(oom)).toMatch(/^out of GPU memory: /);
    expect(workers[0]?.terminated).toBe(true);
    const nan = await p.run(request('nan-2'), cb).catch((x: unknown) => x);
    expect(jobErrorText(nan)).toMatch(/^NaN loss: non-finite training loss/);
    expect(workers[1]?.terminated).toBe(false);
    expect(workers).toHaveLength(2);
  });
});

describe('jobErrorText', () => {
  it('names the kind of failure', () => {
    expect(jobErrorText(new WorkerCrashError('the trainer worker crashed: boom'))).toBe('worker crashed: the trainer worker crashed: boom');
    expect(jobErrorText(new Error('GPU device was lost'))).toMatch(/^GPU device lost: /);
    expect(jobErrorText(new Error('plain failure'))).toBe('plain failure');
  });
});
