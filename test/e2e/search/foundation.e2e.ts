// The whole path once, in real headless Chromium on the WebGPU backend: pick MNIST, run a tiny Petridish
// search in a worker (two seeds, one search step, its child), reload in the middle, resume, download the
// frontier JSON and CSV, and reload once more: every finished job's training curve, the search phase's too
// (it leaves no pool point), comes back in its colour.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, saveLogs, type Session } from '../helpers/browser.ts';
import { checkScreen } from '../helpers/screen-check.ts';

const POOL = 3;

describe('foundation: one tiny search end to end', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseUrl'));
  });
  afterAll(async () => {
    saveLogs('foundation', s.logs);
    await s.close();
  });

  it('trains seeds and a grown child on WebGPU, survives a reload and exports the frontier', async () => {
    const { page } = s;
    const points = page.getByTestId('pool-point');
    await page.goto(`/?backends=webgpu&maxPoolSize=${POOL}`);
    await expect.poll(() => page.getByTestId('backend-name').textContent(), { timeout: 120_000 }).toBe('webgpu');
    await expect(page.getByTestId('adapter-info').textContent()).resolves.toMatch(/swiftshader|google|nvidia|amd|intel|apple/i);
    expect(await checkScreen(page, 'foundation-1-start')).toEqual([]);

    await page.getByTestId('dataset-mnist').check();
    await page.getByTestId('preset-select').selectOption('tiny');
    await page.getByTestId('start-button').click();

    // Two seed models become points; then reload while the search goes on.
    await points.nth(1).waitFor({ timeout: 600_000 });
    expect(await checkScreen(page, 'foundation-2-seeds')).toEqual([]);
    const before = await points.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    expect(before.length).toBeGreaterThanOrEqual(2);

    // Pause (the running job stops at its next batch), reload, take the banner, and resume: the banner's
    // Resume sets the paused run running with one press.
    await page.getByTestId('pause-button').click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 300_000 }).toMatch(/paused/);
    await page.reload();
    await page.getByTestId('resume-banner').waitFor({ timeout: 60_000 });
    await page.getByTestId('resume-run').click({ timeout: 180_000 });
    await points.nth(before.length - 1).waitFor({ timeout: 60_000 });
    const after = await points.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    expect(after.slice(0, before.length)).toEqual(before);
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 60_000 }).toMatch(/^\s*running\s+·/);
    expect(await page.getByTestId('resume-button').count()).toBe(0);

    // The search continues to a grown child and stops at the pool-size rule.
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 600_000, interval: 1000 }).toMatch(/finished/);
    expect(await checkScreen(page, 'foundation-3-finished')).toEqual([]);
    expect(await points.count()).toBe(POOL);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    const file = await download.path();
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      points: { id: string; stage: string; parentId: string | null; madd: number; error: number; onHull: boolean;
        testAcc: number | null; testCount: number | null; testSource: string | null }[];
    };
    const ids = await points.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    expect(json.points.map((p) => p.id).sort()).toEqual([...ids].sort());
    const child = json.points.find((p) => p.stage === 'search_trained');
    expect(child, 'a grown child is in the export').toBeDefined();
    expect(json.points.map((p) => p.id)).toContain(child?.parentId);
    for (const p of json.points) {
      expect(p.madd).toBeGreaterThan(0);
      expect(p.error).toBeGreaterThanOrEqual(0);
      expect(p.error).toBeLessThanOrEqual(1);
      // The tiny preset tests every model on the same 100 images of MNIST's test split.
      expect(p).toMatchObject({ testCount: 100, testSource: 'test' });
      expect(p.testAcc).toBeGreaterThanOrEqual(0);
      expect(p.testAcc).toBeLessThanOrEqual(1);
    }
    expect(json.points.some((p) => p.onHull)).toBe(true);

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const rows = readFileSync(await csv.path(), 'utf8').trim().split(/\r?\n/);
    expect(rows[0]).toMatch(/^id,parent_id,.*,error,test_acc,test_count,/);
    expect(rows.slice(1).map((r) => r.split(',')[0]).sort()).toEqual([...ids].sort());

    // The curves' legend (job name | colour): the search phase's curve is there, and after a reload every
    // finished job's curve comes back in the same colour (a job cancelled at the end has no stored curve).
    const chart = page.getByTestId('loss-chart');
    const legend = async (): Promise<string[]> => {
      const names = await chart.locator('.u-legend .u-series th').allTextContents();
      const colours = await chart.locator('.u-legend .u-series .u-marker').evaluateAll((els) => els.map((e) => getComputedStyle(e).borderColor));
      return names.map((n, i) => `${n} | ${colours[i] ?? '?'}`);
    };
    const SEARCH = /^child of #\d+ \(job \d+, search phase\) \| rgb/;
    await expect.poll(legend).toContainEqual(expect.stringMatching(SEARCH));
    const curvesBefore = await legend();
    await page.reload();
    await page.getByTestId('run-row').filter({ hasText: 'finished' }).getByRole('button', { name: 'Open' }).click();
    await expect.poll(legend, { timeout: 60_000 }).toContainEqual(expect.stringMatching(SEARCH));
    const curvesAfter = await legend();
    expect(curvesAfter.length).toBeGreaterThanOrEqual(POOL + 1);
    for (const line of curvesAfter) expect(curvesBefore, 'a restored curve keeps its name and colour').toContain(line);
    expect(await checkScreen(page, 'foundation-4-reopened')).toEqual([]);
    expect(s.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
