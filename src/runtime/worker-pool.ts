// A pool of trainer workers: lazy start, one job per worker, cancel at the next batch, hard abort by
// terminate-and-respawn, a per-job time limit, and crash detection (a worker that dies rejects its job
// instead of leaving it hanging).
import * as Comlink from 'comlink';
import type { BackendInfo } from '../ml/backend-types.ts';
import type { TrainerApi, WorkerInitOptions, WorkerJobOutcome, WorkerJobRequest, WorkerProgress, WireCheckpoint } from '../shared/worker-api.ts';

export interface PoolOptions {
  size: number;
  createWorker: () => Worker;
  /** Hard limit on one job's wall time; null = none. */
  jobTimeLimitMs: number | null;
  /** How long a cancelled job may take to reach its next batch before the worker is terminated. */
  cancelGraceMs?: number;
  onBackend?: (info: BackendInfo) => void;
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
  api: Comlink.Remote<TrainerApi>;
  ready: Promise<BackendInfo>;
  jobId: string | null;
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

  constructor(private readonly opts: PoolOptions) {}

  get size(): number {
    return this.opts.size;
  }

  get busy(): number {
    return this.slots.filter((s) => s.jobId !== null).length;
  }

  /** Starts one worker (if none runs) and returns its backend information. */
  async backend(): Promise<BackendInfo> {
    const slot = this.slots[0] ?? this.spawn();
    return slot.ready;
  }

  async run(request: WorkerJobRequest, cb: JobCallbacks, transfer: Transferable[] = []): Promise<WorkerJobOutcome> {
    const slot = await this.acquire();
    slot.jobId = request.job.id;
    const limit = this.opts.jobTimeLimitMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await slot.ready;
      const died = new Promise<never>((_, reject) => {
        slot.fail = reject;
      });
      const timeout = new Promise<never>((_, reject) => {
        if (limit !== null) timer = setTimeout(() => reject(new JobTimeoutError(limit)), limit);
      });
      const call = slot.api.runJob(
        Comlink.transfer(request, transfer),
        Comlink.proxy(cb.onProgress),
        Comlink.proxy(cb.onCheckpoint),
      );
      return await Promise.race([call, died, timeout]);
    } catch (e) {
      // After a crash, a timeout or a device problem the worker's GPU state cannot be trusted: replace it.
      if (e instanceof WorkerCrashError || e instanceof JobTimeoutError || isDeviceFailure(e)) this.replace(slot);
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
    if (!slot) return;
    void slot.api.cancel(jobId);
    const grace = this.opts.cancelGraceMs ?? 30_000;
    setTimeout(() => {
      if (slot.jobId === jobId && this.slots.includes(slot)) this.abort(jobId);
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
    const api = Comlink.wrap<TrainerApi>(worker);
    const slot: Slot = { worker, api, ready: Promise.resolve(null as unknown as BackendInfo), jobId: null, fail: null };
    const crash = (message: string): void => {
      slot.fail?.(new WorkerCrashError(message));
    };
    worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      crash(`the trainer worker crashed: ${ev.message || 'unknown error'}`);
    });
    worker.addEventListener('messageerror', () => crash('the trainer worker sent a message that could not be read'));
    slot.ready = api.init(this.opts.init).then((info) => {
      this.opts.onBackend?.(info);
      return info;
    });
    // A failed init surfaces when a job awaits `ready`; keep it from being reported as unhandled meanwhile.
    slot.ready.catch(() => undefined);
    this.slots.push(slot);
    return slot;
  }

  private replace(slot: Slot): void {
    slot.worker.terminate();
    this.slots = this.slots.filter((s) => s !== slot);
    slot.jobId = null;
    if (!this.closed && this.waiters.length > 0) {
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
    if (this.slots.length < this.opts.size) return Promise.resolve(reserve(this.spawn()));
    return new Promise((resolve) => this.waiters.push((s) => resolve(reserve(s))));
  }

  private release(slot: Slot): void {
    slot.jobId = null;
    const next = this.waiters.shift();
    if (next) next(slot);
  }
}

function isDeviceFailure(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  return /device (was )?lost|GPUDevice|out of memory|OOM|context lost/i.test(msg);
}
