// Runs compared in real Chromium: three exported runs are imported (Petridish and random search on MNIST, a
// tiny search on EMNIST letters), two are chosen and shown on one plot with a legend and a table whose rows
// match the files; toggling a run hides its frontier on the canvas; a third run on another dataset makes the
// page say so. Each screen is scanned with axe-core and kept as a screenshot.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runColor } from '../../../src/ui/charts/compare-series.ts';
import { formatPercent } from '../../../src/ui/format.ts';
import { openSession, saveLogs, type Session } from '../helpers/browser.ts';
import { checkScreen } from '../helpers/screen-check.ts';

interface Fixture {
  text: string;
  name: string;
  strategy: string;
  preset: string;
  points: { error: number; madd: number; testAcc: number | null }[];
}

function fixture(file: string): Fixture {
  const text = readFileSync(`test/e2e/fixtures/${file}`, 'utf8');
  const json = JSON.parse(text) as { run: { name: string; strategy: string; preset: { name: string } }; points: Fixture['points'] };
  return { text, name: `${json.run.name} (imported)`, strategy: json.run.strategy, preset: json.run.preset.name, points: json.points };
}

/** The lowest validation error of a file's pool (ties: the cheaper model), found here without the app's code. */
function best(f: Fixture): Fixture['points'][number] {
  return [...f.points].sort((a, b) => a.error - b.error || a.madd - b.madd)[0] as Fixture['points'][number];
}

async function importRun(page: Page, f: Fixture, file: string): Promise<void> {
  await page.getByTestId('import-input').setInputFiles({ name: file, mimeType: 'application/json', buffer: Buffer.from(f.text) });
  await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 60_000 }).toMatch(/Read-only/);
  await page.getByTestId('close-run').click();
}

/** Pixels of the plot's canvas within a small distance of a run's colour: its frontier's line and dots. */
function colourPixels(page: Page, hex: string): Promise<number> {
  return page.getByTestId('compare-plot').locator('canvas').first().evaluate((c: HTMLCanvasElement, colour: string) => {
    const want = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
    const ctx = c.getContext('2d');
    if (!ctx) throw new Error('the plot has no 2D canvas');
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs((data[i] as number) - (want[0] as number)) + Math.abs((data[i + 1] as number) - (want[1] as number)) + Math.abs((data[i + 2] as number) - (want[2] as number)) <= 12) n++;
    }
    return n;
  }, hex);
}

describe('runs compared', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseUrl'));
  });
  afterAll(async () => {
    saveLogs('compare', s.logs);
    await s.close();
  });

  it('shows the chosen runs\' frontiers with a legend, toggles them, and tabulates each run', async () => {
    const { page } = s;
    const files = ['mnist-budget-petridish.json', 'mnist-budget-random.json', 'bars-tiny.json'];
    const [petridish, random, bars] = files.map(fixture) as [Fixture, Fixture, Fixture];
    await page.goto('/?backends=webgpu');
    await page.getByTestId('import-input').waitFor();
    for (const [i, f] of [petridish, random, bars].entries()) await importRun(page, f, files[i] as string);
    const rows = page.getByTestId('run-row');
    await expect.poll(() => rows.count()).toBe(3);
    // The list names each run's strategy (newest first), so runs of both strategies on one dataset tell apart.
    expect(await page.getByTestId('run-row-strategy').allTextContents()).toEqual([bars, random, petridish].map((f) => (f.strategy === 'random' ? 'random search' : 'Petridish')));
    const compare = page.getByTestId('compare-button');
    expect(await compare.isDisabled()).toBe(true);

    // Two runs on the same dataset, chosen in the list (newest first: random above Petridish).
    await rows.filter({ hasText: petridish.name }).getByTestId('compare-pick').check();
    expect(await compare.isDisabled()).toBe(true);
    await rows.filter({ hasText: random.name }).getByTestId('compare-pick').check();
    await compare.click();
    await page.getByTestId('compare-screen').waitFor({ timeout: 30_000 });

    const legend = page.getByTestId('compare-legend-item');
    expect((await legend.allTextContents()).map((t) => t.trim())).toEqual([random.name, petridish.name]);
    const table = page.getByTestId('compare-row');
    expect(await table.count()).toBe(2);
    for (const [i, f] of [random, petridish].entries()) {
      const row = table.nth(i);
      const cells = (await row.locator('th, td').allTextContents()).map((t) => t.trim());
      expect(cells.slice(0, 4)).toEqual([f.name, 'MNIST', f.strategy === 'random' ? 'random search' : 'Petridish', f.preset]);
      const b = best(f);
      expect(await row.getByTestId('compare-best-error').textContent()).toContain(formatPercent(b.error));
      expect(await row.getByTestId('compare-test-acc').textContent()).toContain(b.testAcc === null ? 'not measured' : formatPercent(b.testAcc));
      expect(await row.getByTestId('compare-models').textContent()).toBe(String(f.points.length));
    }
    expect(await page.getByTestId('compare-dataset-note').count()).toBe(0);

    // Both frontiers are drawn; unticking one removes its colour from the canvas and keeps the other.
    const plot = page.getByTestId('compare-plot');
    await expect.poll(() => colourPixels(page, runColor(0)), { timeout: 30_000 }).toBeGreaterThan(20);
    expect(await colourPixels(page, runColor(1))).toBeGreaterThan(20);
    expect(await checkScreen(page, 'compare-1-two-runs')).toEqual([]);
    const toggles = page.getByTestId('compare-toggle');
    await toggles.nth(0).uncheck();
    await expect.poll(() => plot.getAttribute('data-shown')).not.toContain(' ');
    await expect.poll(() => colourPixels(page, runColor(0))).toBe(0);
    expect(await colourPixels(page, runColor(1))).toBeGreaterThan(20);
    await toggles.nth(0).check();
    await expect.poll(() => colourPixels(page, runColor(0))).toBeGreaterThan(20);
    await page.getByTestId('close-compare').click();

    // A run on another dataset may join, and the page says the errors are not on the same images.
    await rows.filter({ hasText: bars.name }).getByTestId('compare-pick').check();
    await compare.click();
    await page.getByTestId('compare-screen').waitFor();
    expect(await page.getByTestId('compare-row').count()).toBe(3);
    const note = await page.getByTestId('compare-dataset-note').textContent();
    expect(note).toMatch(/different datasets/);
    expect(note).toContain('MNIST');
    expect(note).toMatch(/bars/i);
    expect(await checkScreen(page, 'compare-2-different-datasets')).toEqual([]);
    expect(s.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
