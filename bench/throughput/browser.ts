// Throughput and utilisation in headless Chromium: the bench page (bench.html) runs, in a fresh dedicated
// worker per backend, the same measurement as bench/throughput/throughput.ts; this driver prints and saves the figures.
// Usage: npx vite build && npx tsx bench/throughput/browser.ts [--backends webgpu,webgl,cpu] [--batch 8] [--steps 3] [--matmul 512]

import { describeRow, type BackendMeasurement } from './measure.ts';
import { browserVersion, serveAndOpen } from '../browser-lib.ts';
import { flag, saveResult } from '../lib.ts';

type Backend = 'webgpu' | 'webgl' | 'cpu';

function sizesFromFlags(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of ['batch', 'steps', 'matmul']) {
    const v = flag(k, '');
    if (v === '') continue;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${k}: expected a positive integer, got ${v}`);
    out[k] = n;
  }
  return out;
}

async function main(): Promise<void> {
  const backends = flag('backends', 'webgpu,webgl,cpu').split(',').filter((b): b is Backend => b === 'webgpu' || b === 'webgl' || b === 'cpu');
  const sizes = sizesFromFlags();
  const served = await serveAndOpen();
  const { page, logs } = served.session;
  const measured: BackendMeasurement[] = [];
  const failures: { backend: Backend; error: string }[] = [];
  try {
    await page.goto('/bench.html');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    for (const backend of backends) {
      const t0 = Date.now();
      try {
        const m = await page.evaluate(([b, s]) => {
          const run = window.runThroughput;
          if (!run) throw new Error('bench page did not expose runThroughput');
          return run(b, s);
        }, [backend, sizes] as const);
        for (const line of m.log) console.log(line);
        measured.push({ backend: m.backend, matmul: m.matmul, rows: m.rows });
      } catch (e) {
        const error = e instanceof Error ? e.message.split('\n')[0] ?? e.message : String(e);
        failures.push({ backend, error });
        console.log(`${backend}: failed: ${error}`);
      }
      console.log(`${backend}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
  } finally {
    await served.close();
  }
  const errors = logs.filter((l) => l.startsWith('[pageerror]') || l.startsWith('[error]'));
  for (const r of measured.flatMap((m) => m.rows)) console.log(`summary ${describeRow(r)}`);
  console.log(`saved ${saveResult(flag('name', 'throughput-browser'), { browser: browserVersion(served.session), sizes, measured,
    failures, pageErrors: errors.slice(0, 20) })}`);
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
