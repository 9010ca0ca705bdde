// The app's version and the test hooks read from the page's URL (used only by the end-to-end tests to make
// tiny, deterministic searches and to inject faults; a normal visit has none of them).
import type { BackendName } from '../ml/backend-types.ts';

export const APP_VERSION = '0.1.0';

export interface TestHooks {
  maxPoolSize?: number;
  crashFirstJobAfterBatches?: number;
  backendOrder?: BackendName[];
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
  return hooks;
}
