// A pool of trainer workers: lazy start, one job per worker, cancel at the next batch, hard abort by
// terminate-and-respawn, a per-job time limit, and crash detection (a worker that dies rejects its job
// instead of leaving it hanging).
import * as Comlink from 'comlink';
import type { BackendInfo } from '../../ml/backend-types.ts';
import { JobCancelledError, classifyError } from '../../ml/errors.ts';
import type { TrainerApi, TrainerWorkerApi, WorkerInitOptions, WorkerJobOutcome, WorkerJobRequest, WorkerProgress, WireCheckpoint } from '../../shared/worker-api.ts';

/** The default per-job limit: generous, so only a hung job (not a slow GPU) reaches it. */
export const DEFAULT_JOB_TIME_LIMIT_MS = 6 * 3600 * 1000;

export interface PoolOptions {
  size: number;
  createWorker: () => Worker;
  /** Hard limit on one job's wall time; null = none. */
  jobTimeLimitMs: number | null;
  /** How long a cancelled job may take to reach its next batch before the worker is terminated. */
  cancelGraceMs?: number;
  onBackend?: (info: BackendInfo) => void;
  /** Told when a worker could not initialise its backend (its job, if any, fails with the same error). */
  onBackendError?: (error: unknown) => void;
  init?: WorkerInitOptions;
}

export class WorkerCrashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerCrashError';
  }
}

export class JobTimeoutError extends Error {
  constructor(limitMs: number) {
    super(`the job ran longer than its time limit of ${Math.round(limitMs / 1000)} s and was stopped`);
    this.name = 'JobTimeoutError';
  }
}

const RESERVED = '(reserved)';

interface Slot {
  worker: Worker;
  api: Comlink.Remote<TrainerWorkerApi>;
  ready: Promise<BackendInfo>;
  jobId: string | null;
  /** Counts the jobs this slot has taken, so a late cancel timer never aborts a later run of the same job. */
  runs: number;
  /** Set when the running job was cancelled before it reached the worker (the worker would drop that cancel). */
  cancelled: boolean;
  /** Rejects the running job when the worker dies or is terminated. */
  fail: ((e: Error) => void) | null;
}

export interface JobCallbacks {
  onProgress: (p: WorkerProgress) => void;
  onCheckpoint: (c: WireCheckpoint) => Promise<void>;
}

export class WorkerPool {
  private slots: Slot[] = [];
  private waiters: ((slot: Slot) => void)[] = [];
  private closed = false;
  /** Jobs inside run() that have no worker yet, and those of them cancelled meanwhile. */
  private starting = new Set<string>();
  private cancelledWhileStarting = new Set<string>();

  private maxWorkers: number;
  /** The backend the last started worker reported, kept when idle workers are stopped. */
  private lastBackend: BackendInfo | null = null;

  constructor(private readonly opts: PoolOptions) {
    this.maxWorkers = checkSize(opts.size);
  }

  get size(): number {
    return this.maxWorkers;
  }

  /**
   * Allows up to `n` workers at once (a run's "workers" setting). Growing starts workers for jobs that wait;
   * shrinking stops idle workers above `n` at once and busy ones when their job ends.
   */
  resize(n: number): void {
    this.maxWorkers = checkSize(n);
    while (!this.closed && this.waiters.length > 0 && this.slots.length < this.maxWorkers) this.waiters.shift()?.(this.spawn());
    for (const slot of [...this.slots]) {
      if (this.slots.length <= this.maxWorkers) break;
      if (slot.jobId === null) this.remove(slot);
    }
  }

  get busy(): number {
    return this.slots.filter((s) => s.jobId !== null).length;
  }

  /** Starts one worker (if none runs and none has reported yet) and returns its backend information. */
  async backend(): Promise<BackendInfo> {
    const slot = this.slots[0];
    if (slot) return slot.ready;
    if (this.lastBackend) return this.lastBackend;
    return this.spawn().ready;
  }

  /** Workers started and not yet stopped. */
  get started(): number {
    return this.slots.length;
  }

  /**
   * Stops every worker that runs no job (and frees its GPU device); the next job or request starts one again.
   * For a tab that shows a run another tab drives: it trains nothing, so it keeps no trainer. Returns how many
   * were stopped.
   */
  stopIdle(): number {
    const idle = this.slots.filter((s) => s.jobId === null);
    for (const slot of idle) this.remove(slot);
    return idle.length;
  }

  async run(request: WorkerJobRequest, cb: JobCallbacks, transfer: Transferable[] = []): Promise<WorkerJobOutcome> {
    const id = request.job.id;
    this.starting.add(id);
    const slot = await this.acquire().finally(() => this.starting.delete(id));
    slot.jobId = id;
    slot.runs += 1;
    slot.cancelled = this.cancelledWhileStarting.delete(id);
    const limit = this.opts.jobTimeLimitMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      // Set up before awaiting init, so a worker that dies while starting rejects the job too.
      const died = new Promise<never>((_, reject) => {
        slot.fail = reject;
      });
      const timeout = new Promise<never>((_, reject) => {
        if (limit !== null) timer = setTimeout(() => reject(new JobTimeoutError(limit)), limit);
      });
      await Promise.race([slot.ready, died, timeout]);
      if (slot.cancelled) throw new JobCancelledError(`job ${request.job.id} cancelled before it started`);
      const call = slot.api.runJob(
        Comlink.transfer(request, transfer),
        Comlink.proxy(cb.onProgress),
        Comlink.proxy(cb.onCheckpoint),
      );
      return await Promise.race([call, died, timeout]);
    } catch (e) {
      // After a crash, a timeout or a device problem the worker's GPU state cannot be trusted: replace it.
      if (gpuStateSuspect(e) && this.slots.includes(slot)) this.replace(slot);
      throw e;
    } finally {
      clearTimeout(timer);
      slot.fail = null;
      if (this.slots.includes(slot)) this.release(slot);
    }
  }

  /** Asks the job to stop at its next batch; terminates the worker if it has not stopped after a grace period. */
  cancel(jobId: string): void {
    const slot = this.slots.find((s) => s.jobId === jobId);
    if (!slot) {
      if (this.starting.has(jobId)) this.cancelledWhileStarting.add(jobId);
      return;
    }
    slot.cancelled = true;
    void slot.api.cancel(jobId);
    const grace = this.opts.cancelGraceMs ?? 30_000;
    const run = slot.runs;
    setTimeout(() => {
      if (slot.jobId === jobId && slot.runs === run && this.slots.includes(slot)) {
        slot.fail?.(new WorkerCrashError(`the job did not stop within ${Math.round(grace / 1000)} s of being cancelled, so its worker was terminated`));
        this.replace(slot);
      }
    }, grace);
  }

  /** Terminates the worker running `jobId` at once and starts a fresh one in its place. */
  abort(jobId: string): void {
    const slot = this.slots.find((s) => s.jobId === jobId);
    if (slot) {
      slot.fail?.(new WorkerCrashError('the job was aborted'));
      this.replace(slot);
    }
  }

  /**
   * Runs a short request (export, predict) on a worker: a free one if there is one, else the first, where
   * comlink queues it behind the running job's messages (that worker handles it between batches).
   */
  async call<T>(body: (api: Comlink.Remote<TrainerWorkerApi>) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the worker pool is shut down');
    const slot = this.slots.find((s) => s.jobId === null) ?? this.slots[0] ?? this.spawn();
    await slot.ready;
    return body(slot.api);
  }

  async memory(): Promise<{ numTensors: number; numBytes: number }[]> {
    return Promise.all(this.slots.map((s) => s.api.memory()));
  }

  shutdown(): void {
    this.closed = true;
    for (const s of this.slots) {
      s.fail?.(new WorkerCrashError('the worker pool was shut down'));
      s.worker.terminate();
    }
    this.slots = [];
  }

  private spawn(): Slot {
    const worker = this.opts.createWorker();
    const api = Comlink.wrap<TrainerWorkerApi>(worker);
    const slot: Slot = { worker, api, ready: Promise.resolve(null as unknown as BackendInfo), jobId: null, runs: 0, cancelled: false, fail: null };
    const crash = (message: string): void => {
      slot.fail?.(new WorkerCrashError(message));
    };
    worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      crash(`the trainer worker crashed: ${ev.message || 'unknown error'}`);
    });
    worker.addEventListener('messageerror', () => crash('the trainer worker sent a message that could not be read'));
    slot.ready = api.init(this.opts.init).then(
      (info) => {
        this.lastBackend = info;
        this.opts.onBackend?.(info);
        return info;
      },
      (e: unknown) => {
        this.opts.onBackendError?.(e);
        throw e;
      },
    );
    // A failed init surfaces when a job awaits `ready`; keep it from being reported as unhandled meanwhile.
    slot.ready.catch(() => undefined);
    this.slots.push(slot);
    return slot;
  }

  private remove(slot: Slot): void {
    slot.worker.terminate();
    this.slots = this.slots.filter((s) => s !== slot);
    slot.jobId = null;
  }

  private replace(slot: Slot): void {
    this.remove(slot);
    if (!this.closed && this.waiters.length > 0 && this.slots.length < this.maxWorkers) {
      const next = this.waiters.shift();
      next?.(this.spawn());
    }
  }

  /** Reserves a slot at once (jobId set), so two jobs never get the same worker. */
  private acquire(): Promise<Slot> {
    if (this.closed) return Promise.reject(new Error('the worker pool is shut down'));
    const reserve = (s: Slot): Slot => {
      s.jobId = RESERVED;
      return s;
    };
    const free = this.slots.find((s) => s.jobId === null);
    if (free) return Promise.resolve(reserve(free));
    if (this.slots.length < this.maxWorkers) return Promise.resolve(reserve(this.spawn()));
    return new Promise((resolve) => this.waiters.push((s) => resolve(reserve(s))));
  }

  private release(slot: Slot): void {
    slot.jobId = null;
    if (this.slots.length > this.maxWorkers) {
      this.remove(slot);
      return;
    }
    const next = this.waiters.shift();
    if (next) next(slot);
  }
}

function checkSize(n: number): number {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`WorkerPool: the number of workers must be an integer ≥ 1, got ${n}`);
  return n;
}

/** After a crash, a timeout, a lost device or an out-of-memory error the worker's GPU state cannot be trusted. */
function gpuStateSuspect(e: unknown): boolean {
  if (e instanceof WorkerCrashError || e instanceof JobTimeoutError) return true;
  const kind = classifyError(e);
  return kind === 'device-lost' || kind === 'oom';
}

/** A job's error as shown to the user and stored on the job: it says which kind of failure it was. */
export function jobErrorText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof WorkerCrashError) return `worker crashed: ${message}`;
  if (e instanceof JobTimeoutError) return `time limit: ${message}`;
  switch (classifyError(e)) {
    case 'oom':
      return `out of GPU memory: ${message}`;
    case 'device-lost':
      return `GPU device lost: ${message}`;
    case 'nan':
      return /non-finite training loss/.test(message) ? `NaN loss: ${message}` : `diverged: ${message}`;
    case 'cancelled':
      return `cancelled: ${message}`;
    case 'other':
      return message;
  }
}
