// Bench-only page entry (bench.html): runs the throughput + utilisation measurement for one backend in a fresh
// dedicated worker, as the app trains in workers; bench/throughput/browser.ts drives it with Playwright.
import * as Comlink from 'comlink';
import type { BenchWorkerApi } from '../bench/throughput/page/throughput.worker.ts';
import type { BackendName } from './ml/backend-types.ts';
import type { Sizes } from '../bench/throughput/measure.ts';

async function runThroughput(backend: BackendName, sizes: Partial<Sizes>): ReturnType<BenchWorkerApi['measure']> {
  const worker = new Worker(new URL('../bench/throughput/page/throughput.worker.ts', import.meta.url), { type: 'module', name: `bench-${backend}` });
  try {
    return await Comlink.wrap<BenchWorkerApi>(worker).measure(backend, sizes);
  } finally {
    worker.terminate();
  }
}

declare global {
  interface Window {
    runThroughput?: typeof runThroughput;
  }
}
window.runThroughput = runThroughput;
document.body.dataset.ready = 'true';
