// The headless runner's trainer threads (`--workers N`, N ≥ 2): up to N worker_threads, each running one job
// at a time (thread-worker.ts), started on demand. A thread that dies (an uncaught error, a non-zero exit)
// rejects its job with a WorkerCrashError naming the thread and the job, and is replaced by a fresh one for
// the next job, so the scheduler's retry runs on a clean thread. Like the page's WorkerPool (src/runtime/),
// without comlink: Node's MessagePort carries the plain-data protocol of thread-protocol.ts.

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ModelDesc } from '../core/space/model-desc.ts';
import type { Job } from '../core/search-types.ts';
import type { NamedWeights } from '../core/weights.ts';
import { JobCancelledError } from '../ml/errors.ts';
import type { TrainProgress } from '../ml/train/train.ts';
import type { ThreadInit, ThreadMemory, ThreadReply, ThreadRequest } from './thread-protocol.ts';

/** A trainer thread died while it ran a job (or before it could take one). */
export class WorkerCrashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerCrashError';
  }
}

export interface ThreadOutcome {
  result: Extract<ThreadReply, { type: 'done' }>['result'];
  weights: NamedWeights;
  memory: ThreadMemory;
  /** The thread that ran it (`trainer-1` …). */
  thread: string;
}

/** What became of one thread, for the run's record: the jobs it ran and how it ended. */
export interface ThreadSummary {
  name: string;
  jobs: number;
  /** The exit code once the thread has ended; null while it runs. */
  exitCode: number | null;
  /** The crash message, when it died. */
  crash: string | null;
}

interface Pending {
  jobId: string;
  resolve: (o: ThreadOutcome) => void;
  reject: (e: Error) => void;
  onProgress: (p: TrainProgress) => void;
}

interface Slot {
  name: string;
  worker: Worker;
  /** The thread's cancel flag (ThreadInit.cancelFlag). */
  cancelFlag: Int32Array;
  pending: Pending | null;
  summary: ThreadSummary;
  exited: Promise<void>;
}

/**
 * The thread entry point, loaded through tsx's loader so the TypeScript sources run as they are. A worker
 * does not inherit the main thread's loader hooks, so it registers tsx itself (resolved from this file, so
 * the runner works from any directory) before importing the entry.
 */
const ENTRY = new URL('./thread-worker.ts', import.meta.url).href;
const TSX_API = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
const BOOT = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(ENTRY)}); })`;

export class ThreadPool {
  private slots: Slot[] = [];
  private readonly summaries: ThreadSummary[] = [];
  private started = 0;
  private closed = false;

  /** `size`: most threads at once (an integer ≥ 1); `init`: what every thread starts with. Throws on a bad size. */
  constructor(private readonly size: number, private readonly init: Omit<ThreadInit, 'cancelFlag'>) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`ThreadPool: the number of threads must be an integer ≥ 1, got ${size}`);
  }

  /** Every thread started so far, in start order. */
  get threads(): readonly ThreadSummary[] {
    return this.summaries;
  }

  /**
   * Runs a job on a free thread (a new one when fewer than `size` run). Rejects with JobCancelledError after
   * cancel(), WorkerCrashError when the thread dies, or the job's own error (name and message kept).
   * Throws when every thread is busy: the scheduler never dispatches more jobs than there are workers.
   */
  run(job: Job, initWeights: NamedWeights | null, parentDesc: ModelDesc | null, onProgress: (p: TrainProgress) => void,
    crashAfterBatches?: number): Promise<ThreadOutcome> {
    if (this.closed) return Promise.reject(new Error('the trainer threads are shut down'));
    const slot = this.slots.find((s) => s.pending === null) ?? (this.slots.length < this.size ? this.spawn() : null);
    if (!slot) return Promise.reject(new Error(`job ${job.id}: all ${this.size} trainer threads are busy`));
    return new Promise<ThreadOutcome>((resolve, reject) => {
      slot.pending = { jobId: job.id, resolve, reject, onProgress };
      Atomics.store(slot.cancelFlag, 0, 0);
      slot.summary.jobs += 1;
      const request: ThreadRequest = { type: 'run', job, initWeights, parentDesc, ...(crashAfterBatches !== undefined ? { crashAfterBatches } : {}) };
      // The parent's weights stay with the main thread (other children may inherit them): copied, not transferred.
      slot.worker.postMessage(request);
    });
  }

  /** Asks the thread running `jobId` to stop at its next batch (its job then rejects with JobCancelledError). */
  cancel(jobId: string): void {
    const slot = this.slots.find((s) => s.pending?.jobId === jobId);
    if (!slot) return;
    Atomics.store(slot.cancelFlag, 0, 1);
    slot.worker.postMessage({ type: 'cancel', jobId } satisfies ThreadRequest);
  }

  /** Terminates every thread and waits until each has exited; a job still running rejects as a crash. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots;
    this.slots = [];
    for (const s of slots) {
      s.pending?.reject(new WorkerCrashError(`trainer thread ${s.name} was shut down while it ran job ${s.pending.jobId}`));
      s.pending = null;
      void s.worker.terminate();
    }
    await Promise.all(slots.map((s) => s.exited));
  }

  private spawn(): Slot {
    this.started += 1;
    const name = `trainer-${this.started}`;
    const cancelFlag = new SharedArrayBuffer(4);
    const worker = new Worker(BOOT, { eval: true, name, workerData: { ...this.init, cancelFlag } satisfies ThreadInit, execArgv: [] });
    const summary: ThreadSummary = { name, jobs: 0, exitCode: null, crash: null };
    this.summaries.push(summary);
    const slot: Slot = { name, worker, cancelFlag: new Int32Array(cancelFlag), pending: null, summary, exited: new Promise((resolve) => worker.once('exit', () => resolve())) };
    worker.on('message', (m: ThreadReply) => this.onMessage(slot, m));
    worker.on('error', (e: Error) => this.crash(slot, e.message || String(e)));
    worker.on('exit', (code) => {
      summary.exitCode = code;
      if (code !== 0 && !this.closed) this.crash(slot, `exited with code ${code}`);
    });
    this.slots.push(slot);
    return slot;
  }

  private onMessage(slot: Slot, m: ThreadReply): void {
    const p = slot.pending;
    if (m.type === 'ready' || m.type === 'memory' || !p || m.jobId !== p.jobId) return;
    if (m.type === 'progress') {
      p.onProgress(m.progress);
      return;
    }
    slot.pending = null;
    const memory: ThreadMemory = { tensorsBefore: m.tensorsBefore, tensorsAfter: m.tensorsAfter, bytesBefore: m.bytesBefore, bytesAfter: m.bytesAfter };
    if (m.type === 'done') {
      p.resolve({ result: m.result, weights: m.weights, memory, thread: slot.name });
      return;
    }
    const error = m.cancelled || m.error.name === 'JobCancelledError' ? new JobCancelledError(m.error.message) : Object.assign(new Error(m.error.message), { name: m.error.name });
    p.reject(Object.assign(error, { memory, thread: slot.name }));
  }

  /** The thread is gone: its job fails with a message naming both, and the slot is freed for a fresh thread. */
  private crash(slot: Slot, message: string): void {
    if (slot.summary.crash === null) slot.summary.crash = message;
    this.slots = this.slots.filter((s) => s !== slot);
    const p = slot.pending;
    slot.pending = null;
    void slot.worker.terminate();
    if (p) p.reject(new WorkerCrashError(`trainer thread ${slot.name} crashed while it ran job ${p.jobId}: ${message}`));
  }
}
