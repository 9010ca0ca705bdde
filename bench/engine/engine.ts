// Engine figures in headless Chromium on the built app: (1) time from page load (a reload of a run in
// progress) to the first training step of the resumed run, and (2) the fraction of time the trainer worker
// sat idle while the search still had work, from the app's User Timing marks (src/runtime/run/run-controller.ts).
// Usage: npx vite build && npx tsx bench/engine/engine.ts [--pool 3] [--backends webgpu]

import type { Page } from 'playwright-core';
import { saveScreenshot } from '../../test/e2e/helpers/browser.ts';
import { browserVersion, serveAndOpen } from '../browser-lib.ts';
import { flag, numFlag, saveResult } from '../lib.ts';
import { idleFraction, type Mark } from './idle.ts';

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== null) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

/** The app's marks and one bench mark, as [name, ms since this document's navigation start, detail]. */
function marks(page: Page): Promise<Mark[]> {
  return page.evaluate(() => performance.getEntriesByType('mark')
    .filter((m) => m.name.startsWith('petridish:') || m.name.startsWith('bench:'))
    .map((m) => ({ name: m.name, at: m.startTime, detail: JSON.stringify((m as PerformanceMark).detail ?? null) })));
}

const firstMark = (list: Mark[], name: string): Mark | null => list.find((m) => m.name === name) ?? null;

async function startTinySearch(page: Page, query: string): Promise<string> {
  await page.goto(`/?${query}`);
  const backend = await waitFor('the backend', 180_000, async () => {
    const t = (await page.getByTestId('backend-name').textContent().catch(() => null))?.trim();
    return t ? t : null;
  });
  await page.getByTestId('dataset-mnist').check();
  await page.getByTestId('preset-select').selectOption('tiny');
  await page.getByTestId('start-button').click();
  await page.getByTestId('run-status').waitFor({ timeout: 180_000 });
  return backend;
}

async function main(): Promise<void> {
  const pool = numFlag('pool', 3);
  const backends = flag('backends', 'webgpu');
  const served = await serveAndOpen();
  const { page } = served.session;
  try {
    const backend = await startTinySearch(page, `maxPoolSize=${pool}&backends=${backends}`);
    console.log(`backend ${backend}; run started (tiny preset, MNIST, maxPoolSize=${pool}, 1 worker)`);
    // A run in progress: training has reported progress at least once, so the reload interrupts a job.
    await waitFor('the first progress event', 600_000, async () => firstMark(await marks(page), 'petridish:first-step'));
    const before = await marks(page);
    await page.reload();
    const resumeBtn = page.getByTestId('resume-run');
    await resumeBtn.waitFor({ timeout: 120_000 });
    const bannerAt = await page.evaluate(() => performance.now());
    await page.evaluate(() => performance.mark('bench:resume-click'));
    await resumeBtn.click();
    const firstStep = await waitFor('the first step after resuming', 600_000, async () => firstMark(await marks(page), 'petridish:first-step'));
    const afterResume = await marks(page);
    const click = firstMark(afterResume, 'bench:resume-click');
    const dispatched = firstMark(afterResume, 'petridish:job-start');
    if (!click || !dispatched) throw new Error('missing bench:resume-click or petridish:job-start mark after the reload');
    const resume = { bannerVisibleMs: bannerAt, clickMs: click.at, jobDispatchedAfterClickMs: dispatched.at - click.at,
      firstProgressAfterClickMs: firstStep.at - click.at, firstProgress: firstStep.detail,
      loadToFirstProgressWithoutDriverMs: bannerAt + (firstStep.at - click.at) };
    console.log(`resume: banner ${(bannerAt / 1000).toFixed(2)} s after load; click → job on worker ${(resume.jobDispatchedAfterClickMs / 1000).toFixed(2)} s; `
      + `click → first progress event ${(resume.firstProgressAfterClickMs / 1000).toFixed(2)} s (${firstStep.detail})`);
    await waitFor('the run to finish', 900_000, async () => (/finished/.test((await page.getByTestId('run-status').textContent()) ?? '') ? true : null));
    await saveScreenshot(page, 'bench-engine-finished');
    const after = await marks(page);
    const idleAfter = idleFraction(after);
    const idleBefore = idleFraction(before);
    console.log(`idle after the resume: ${(100 * idleAfter.fraction).toFixed(3)} % of ${(idleAfter.spanMs / 1000).toFixed(1)} s over ${idleAfter.jobs} jobs `
      + `(gaps ms: ${idleAfter.gapsMs.map((g) => g.toFixed(0)).join(', ')})`);
    console.log(`saved ${saveResult(flag('name', 'engine-browser'), { browser: browserVersion(served.session), backend, pool, resume, idleBefore, idleAfter,
      marksBefore: before, marksAfter: after })}`);
  } finally {
    await served.close();
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
