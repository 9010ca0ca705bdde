// The app's version and the test hooks read from the page's URL (used only by the end-to-end tests to make
// tiny, deterministic searches and to inject faults; a normal visit has none of them).
import type { BackendName } from '../ml/backend-types.ts';

export const APP_VERSION = '0.1.0';

export interface TestHooks {
  maxPoolSize?: number;
  crashFirstJobAfterBatches?: number;
  backendOrder?: BackendName[];
  /**
   * Keep a journal of job starts and committed results in IndexedDB (`meta`, key `journal:<runId>`), written
   * in the same transaction as what each entry records, to check that no finished job reruns.
   */
  journal?: boolean;
  /**
   * Most training time (ms) between two checkpoints inside an epoch (default a minute); 0 stores one after
   * every batch but an epoch's last, so a test can kill the browser while a job is between checkpoints.
   */
  checkpointIntervalMs?: number;
  /** Generate and store a synthetic dataset of this many MiB on load (src/data/sources/synthetic.ts), to test large datasets. */
  synthDatasetMiB?: number;
}

export function readTestHooks(search: string = globalThis.location?.search ?? ''): TestHooks {
  const q = new URLSearchParams(search);
  const hooks: TestHooks = {};
  const pool = Number(q.get('maxPoolSize'));
  if (Number.isInteger(pool) && pool > 0) hooks.maxPoolSize = pool;
  const crash = q.get('crashAfterBatches');
  if (crash !== null && Number.isInteger(Number(crash))) hooks.crashFirstJobAfterBatches = Number(crash);
  const order = q.get('backends');
  if (order) hooks.backendOrder = order.split(',').filter((b): b is BackendName => b === 'webgpu' || b === 'webgl' || b === 'cpu');
  if (q.get('journal') === '1') hooks.journal = true;
  const ckpt = q.get('checkpointMs');
  if (ckpt !== null && ckpt !== '' && Number.isInteger(Number(ckpt)) && Number(ckpt) >= 0) hooks.checkpointIntervalMs = Number(ckpt);
  const synth = Number(q.get('synthDatasetMiB'));
  if (Number.isFinite(synth) && synth > 0) hooks.synthDatasetMiB = synth;
  return hooks;
}

