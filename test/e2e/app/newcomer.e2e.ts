// What a first-time user meets, end to end in real Chromium: the settings report every bad field in words and
// mark it, and the strategy select stays in its column; a CSV's shape and pixel range are stated before the
// upload; a guide says what the plot shows (dismissed once, it stays away) and the search's terms have
// tooltips; a one-model search ends with a sentence (no rule names), its curves are named in words and keep
// their colour after a reload, the log axis has 3 ticks, the model panel speaks in words, its cell drawings
// fill it with no label over a box, and it closes with Escape; an imported run's model cannot be downloaded or checked and says why; Stop asks first, a stopped run
// continues, and a run interrupted by a reload reads "interrupted" in the list and the banner, in a runs table that
// stays inside its panel.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, saveLogs, saveScreenshot, type Session } from '../helpers/browser.ts';
import { checkScreen } from '../helpers/screen-check.ts';

const status = (page: Page): Promise<string | null> => page.getByTestId('run-status').textContent();
/** The names of the code that must never reach the screen. */
const INTERNAL = /maxPoolSize|maxSeconds|maxMadd|stop:|noJobs|preset\.|\dc \dr \dn|cutout 0 px|Value: --/;

async function startTiny(page: Page): Promise<void> {
  await page.getByTestId('dataset-mnist').check();
  await page.getByTestId('preset-select').selectOption('tiny');
  await page.getByTestId('start-button').click();
  await page.getByTestId('run-status').waitFor({ timeout: 120_000 });
}

describe('a newcomer’s first runs', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseUrl'));
  });
  afterAll(async () => {
    saveLogs('newcomer', s.logs);
    await s.close();
  });

  it('settings: every bad field is marked and explained in words; the strategy select stays in its column', async () => {
    const { page } = s;
    await page.goto('/?backends=webgpu&maxPoolSize=1');
    await expect.poll(() => page.getByTestId('backend-name').textContent(), { timeout: 120_000 }).toBe('webgpu');
    await page.getByTestId('preset-select').selectOption('tiny');
    await page.getByText('Advanced settings').click();
    const strategy = await page.getByTestId('strategy-select').boundingBox();
    const eps = await page.getByTestId('adv-eps').boundingBox();
    if (!strategy || !eps) throw new Error('the strategy select or the ε field is not shown');
    // Side by side or one above the other, the two never overlap.
    const apart = strategy.x + strategy.width <= eps.x + 0.5 || strategy.y + strategy.height <= eps.y + 0.5;
    expect(apart, `strategy ${JSON.stringify(strategy)} overlaps ε ${JSON.stringify(eps)}`).toBe(true);

    await page.getByTestId('adv-eps').fill('-1');
    await page.getByTestId('adv-batchSize').fill('2.5');
    await page.getByTestId('adv-seedEpochs').fill('');
    await expect.poll(() => page.getByTestId('adv-error-eps').textContent()).toBe('“-1” is not a number above 0 and below 1 (0.025 means 2.5 %).');
    expect(await page.getByTestId('adv-error-batchSize').textContent()).toBe('“2.5” is not a whole number of at least 1.');
    expect(await page.getByTestId('adv-error-seedEpochs').textContent()).toBe('Enter a whole number of at least 1.');
    for (const f of ['eps', 'batchSize', 'seedEpochs']) expect(await page.getByTestId(`adv-${f}`).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('adv-topK').getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByTestId('settings-error').textContent()).toMatch(/^3 settings need a change/);
    expect(await page.getByTestId('start-button').isDisabled()).toBe(true);
    expect(await page.locator('form[aria-label="New search"]').textContent()).not.toMatch(INTERNAL);
    expect(await checkScreen(page, 'newcomer-1-settings-errors')).toEqual([]);
    // Choosing the preset again resets the fields.
    await page.getByTestId('preset-select').selectOption('standard');
    await page.getByTestId('preset-select').selectOption('tiny');
    await expect.poll(() => page.getByTestId('settings-error').count()).toBe(0);
  });

  it('upload form: a digits CSV reads as 8×8 gray images with values 0–16 before the upload', async () => {
    const { page } = s;
    const lines = [[...Array.from({ length: 64 }, (_, i) => `pixel_${i}`), 'target'].join(',')];
    for (let r = 0; r < 40; r++) lines.push([...Array.from({ length: 64 }, (_, i) => String((r * 3 + i) % 17)), String(r % 10)].join(','));
    await page.getByText('Upload a dataset').click();
    await page.getByTestId('upload-format').selectOption('csv');
    // The label column is left to detect: the header's "target" is found by name, and named.
    await page.getByTestId('upload-files').setInputFiles([{ name: 'digits.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`) }]);
    await expect.poll(() => page.getByTestId('csv-inferred-shape').textContent(), { timeout: 30_000 }).toBe('65 columns: a label and 64 pixel values, so 8×8 grayscale images.');
    expect(await page.getByTestId('csv-inferred-label').textContent()).toBe('The label is column 65 (“target”), found by its header name: 10 classes.');
    expect(await page.getByTestId('csv-inferred-range').textContent()).toMatch(/^Pixel values are whole numbers from 0 to 16, as in the 8×8 digits of scikit-learn/);
    await page.getByTestId('csv-max-value').fill('255');
    await expect.poll(() => page.getByTestId('csv-range-warning').textContent()).toMatch(/The data reach only 16: scaled as 0–255 the images would be nearly black/);
    expect(await checkScreen(page, 'newcomer-2-csv-inferred')).toEqual([]);
    await page.getByTestId('csv-max-value').fill('');
    await expect.poll(() => page.getByTestId('csv-range-warning').count()).toBe(0);
    await page.getByText('Upload a dataset').click();
  });

  it('a finished run, its model panel and an imported copy speak in words', async () => {
    const { page } = s;
    await startTiny(page);
    // The guide says what the plot shows, where the plot is first seen.
    expect(await page.getByTestId('plot-guide').textContent()).toMatch(/Each dot is a trained model: lower is better .*further left is cheaper .*The line is the frontier/);
    await expect.poll(() => status(page), { timeout: 600_000, interval: 1000 }).toMatch(/finished\. It reached its limit of 1 model\./);
    expect(await page.locator('section[aria-label="Run"]').textContent()).not.toMatch(INTERNAL);

    // The search's terms explain themselves on focus (and hover).
    const band = page.getByTestId('term-epsBand');
    expect(await band.getByRole('tooltip').isVisible()).toBe(false);
    await band.getByRole('button').focus();
    expect(await band.getByRole('tooltip').isVisible()).toBe(true);
    expect(await band.getByRole('tooltip').textContent()).toMatch(/^ε-band: models whose error is at most ε/);
    // The log-scale axis labels at least 3 ticks even for one model.
    await page.getByLabel('log scale').check();
    await expect.poll(() => page.getByTestId('x-tick').count()).toBeGreaterThanOrEqual(3);
    // The curves' legend names the job in words, without values, in a colour that survives a reload.
    const legend = async (): Promise<{ names: string[]; colours: string[] }> => ({
      names: await page.getByTestId('loss-chart').locator('.u-legend .u-series th').allTextContents(),
      colours: await page.getByTestId('loss-chart').locator('.u-legend .u-series .u-marker').evaluateAll((els) => els.map((e) => getComputedStyle(e).borderColor)),
    });
    await expect.poll(async () => (await legend()).names).toEqual([expect.stringMatching(/^seed 1 \(\d+ cells?, \d+ reductions?\)$/)]);
    const before = await legend();
    expect(await page.getByTestId('live-curves').textContent()).not.toMatch(/Value|--/);
    expect(await checkScreen(page, 'newcomer-3-finished')).toEqual([]);
    // The Jobs table fits its half-width panel at 1360 px: the finished job's "val error · test acc" cell lies
    // inside the panel, and the table needs no sideways scrolling to show it.
    const jobsPanel = page.getByTestId('jobs-panel');
    const scores = jobsPanel.getByTestId('job-scores').filter({ hasText: /%/ }).first();
    const [panelBox, cellBox] = [await jobsPanel.boundingBox(), await scores.boundingBox()];
    expect(panelBox && cellBox).toBeTruthy();
    if (panelBox && cellBox) {
      expect(cellBox.x).toBeGreaterThanOrEqual(panelBox.x);
      expect(cellBox.x + cellBox.width).toBeLessThanOrEqual(panelBox.x + panelBox.width);
    }
    expect(await jobsPanel.locator('.scroll-x').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await saveScreenshot(page, 'newcomer-3-jobs');
    await page.getByTestId('plot-guide-dismiss').click();
    expect(await page.getByTestId('plot-guide').count()).toBe(0);
    await page.reload();
    await page.getByTestId('run-row').filter({ hasText: 'finished' }).getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => status(page)).toMatch(/Read-only/);
    await expect.poll(legend).toEqual(before);
    expect(await page.getByTestId('plot-guide').count()).toBe(0);
    const point = page.getByTestId('pool-point').first();
    expect(await point.getAttribute('aria-label')).toMatch(/^#1 · \d+ cells?, \d+ reductions?, \d+ nodes?: error/);
    await point.click();
    const panel = page.getByTestId('model-panel');
    await panel.waitFor();
    expect(await panel.locator('h2').textContent()).toMatch(/^Model #1 · seed · \d+ cells?, \d+ reductions?, \d+ nodes?A network is a stack of cells/);
    expect(await panel.getByTestId('download-model').isDisabled()).toBe(false);
    // The cell drawings fill the panel, and no edge label overlaps a box or leaves its drawing.
    const drawings = await panel.getByTestId('cell-graph').evaluateAll((figs) => figs.map((fig) => {
      const svg = fig.querySelector('svg') as SVGSVGElement;
      const rect = (b: DOMRect) => ({ x: b.x, y: b.y, w: b.width, h: b.height });
      return {
        view: { w: svg.viewBox.baseVal.width, h: svg.viewBox.baseVal.height },
        boxes: [...svg.querySelectorAll('.box rect')].map((r) => rect((r as SVGGraphicsElement).getBBox())),
        labels: [...svg.querySelectorAll('text.edge-label')].map((t) => rect((t as SVGGraphicsElement).getBBox())),
        svgWidth: svg.getBoundingClientRect().width,
        figureWidth: fig.getBoundingClientRect().width,
      };
    }));
    const panelWidth = (await panel.boundingBox())?.width ?? 0;
    expect(drawings.length).toBeGreaterThanOrEqual(1);
    expect(drawings.reduce((w, d) => w + d.figureWidth, 0)).toBeGreaterThan(0.8 * panelWidth);
    for (const d of drawings) {
      expect(d.svgWidth).toBeGreaterThan(0.95 * d.figureWidth);
      expect(d.labels.length).toBeGreaterThan(0);
      for (const l of d.labels) {
        expect(l.x >= 0 && l.y >= 0 && l.x + l.w <= d.view.w && l.y + l.h <= d.view.h, `label ${JSON.stringify(l)} inside ${JSON.stringify(d.view)}`).toBe(true);
        for (const b of d.boxes) expect(l.x < b.x + b.w && b.x < l.x + l.w && l.y < b.y + b.h && b.y < l.y + l.h, `label ${JSON.stringify(l)} over box ${JSON.stringify(b)}`).toBe(false);
      }
    }
    expect(await checkScreen(page, 'newcomer-3-model-panel')).toEqual([]);
    expect(await panel.getByTestId('term-alpha').locator('[role="tooltip"]').textContent()).toMatch(/^α \(architecture weights\)/);
    // The quick check's percentages stay on one line each.
    await panel.getByTestId('quick-check').click();
    await expect.poll(() => panel.getByTestId('prediction').count(), { timeout: 120_000 }).toBe(8);
    const lines = await panel.locator('[data-testid="prediction"] .pct').evaluateAll((els) => els.map((e) => [e.textContent, e.getClientRects().length]));
    expect(lines.length).toBe(8);
    for (const [text, rects] of lines) {
      expect(text).toMatch(/^\(\d+%\)$/);
      expect(rects).toBe(1);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);

    // The imported copy has no weights: downloads and the quick check are off, with the reason.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    const exported = readFileSync(await download.path(), 'utf8');
    await page.getByTestId('close-run').click();
    await page.getByTestId('import-input').setInputFiles({ name: 'frontier.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
    await expect.poll(() => status(page)).toMatch(/Read-only/);
    expect(await status(page)).toMatch(/imported\. Imported from a file exported after the run finished/);
    // No progress bar or training time for a file's run, and the jobs panel says why it is empty.
    expect(await status(page)).not.toMatch(/search time|running/);
    expect(await page.getByTestId('stop-progress').count()).toBe(0);
    expect(await page.getByTestId('job-table').count()).toBe(0);
    expect(await page.getByTestId('job-table-empty').textContent()).toMatch(/An imported run holds its models/);
    await page.getByTestId('pool-point').first().click();
    await panel.waitFor();
    for (const id of ['download-model', 'download-onnx', 'quick-check']) {
      expect(await panel.getByTestId(id).isDisabled(), id).toBe(true);
      expect(await panel.getByTestId(id).getAttribute('aria-describedby')).toBe('no-weights');
    }
    expect(await panel.getByTestId('no-weights').textContent()).toMatch(/imported file, which holds the results but no trained weights/);
    expect(await checkScreen(page, 'newcomer-4-imported-model')).toEqual([]);
    await page.getByTestId('close-model').click();
    await page.getByTestId('close-run').click();
  });

  it('Stop asks first; a stopped run continues; a run interrupted by a reload reads "interrupted" in the list and the banner', async () => {
    const { page } = s;
    await startTiny(page);
    await page.getByTestId('stop-button').click();
    await page.getByTestId('stop-confirm').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('stop-confirm-yes');
    expect(await checkScreen(page, 'newcomer-5-stop-confirm')).toEqual([]);
    await page.getByTestId('stop-confirm-yes').click();
    await expect.poll(() => status(page), { timeout: 180_000, interval: 1000 }).toMatch(/^\s*stopped\. You stopped it\./);
    expect(await page.getByTestId('pool-point').count()).toBe(0);

    // Continue takes it up again; a reload while it runs interrupts it.
    await page.getByTestId('continue-button').click();
    await expect.poll(() => status(page), { timeout: 60_000 }).toMatch(/^\s*running/);
    await page.reload();
    await page.getByTestId('resume-banner').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('resume-banner').textContent()).toMatch(/was interrupted/);
    await expect.poll(() => page.getByTestId('run-row').filter({ hasText: 'interrupted' }).count()).toBe(1);
    expect(await page.getByTestId('runs-table').textContent()).not.toMatch(/running/);
    // The runs table (a long name, three buttons a row) stays inside its panel's padding, buttons included.
    const overhang = await page.getByTestId('runs-table').evaluate((t) => {
      const panel = t.closest('section') as HTMLElement;
      return t.getBoundingClientRect().right - (panel.getBoundingClientRect().right - parseFloat(getComputedStyle(panel).paddingRight));
    });
    expect(overhang).toBeLessThanOrEqual(0.5);
    expect(await checkScreen(page, 'newcomer-6-interrupted')).toEqual([]);
    await page.getByTestId('resume-run').click({ timeout: 180_000 });
    // Running again (that a continued run trains to its stop rule is shown in test/runtime/run/run-durability.test.ts).
    await expect.poll(() => status(page), { timeout: 60_000 }).toMatch(/^\s*running/);
    expect(await page.getByTestId('plot-guide').count()).toBe(0);
    expect(s.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
