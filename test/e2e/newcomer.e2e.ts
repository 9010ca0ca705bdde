// What a first-time user meets, end to end in real Chromium: the settings report every bad field in words and
// mark it, the strategy select stays in its column; a one-model search ends with a sentence (no rule names),
// its model panel speaks in words and closes with Escape; an imported run's model cannot be downloaded or
// checked and says why; a run interrupted by a reload reads "interrupted" in the list and the banner; Stop asks
// first, and a stopped run continues to its end.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, saveLogs, saveScreenshot, type Session } from './browser.ts';

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
    await page.goto('/?maxPoolSize=1');
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
    await saveScreenshot(page, 'newcomer-1-settings-errors');
    // Choosing the preset again resets the fields.
    await page.getByTestId('preset-select').selectOption('standard');
    await page.getByTestId('preset-select').selectOption('tiny');
    await expect.poll(() => page.getByTestId('settings-error').count()).toBe(0);
  });

  it('a finished run, its model panel and an imported copy speak in words', async () => {
    const { page } = s;
    await startTiny(page);
    await expect.poll(() => status(page), { timeout: 600_000, interval: 1000 }).toMatch(/finished — It reached its limit of 1 model\./);
    expect(await page.locator('section[aria-label="Run"]').textContent()).not.toMatch(INTERNAL);
    const point = page.getByTestId('pool-point').first();
    expect(await point.getAttribute('aria-label')).toMatch(/^#1 · \d+ cells?, \d+ reductions?, \d+ nodes?: error/);
    await point.click();
    const panel = page.getByTestId('model-panel');
    await panel.waitFor();
    expect(await panel.locator('h2').textContent()).toMatch(/^Model #1 · seed · \d+ cells?, \d+ reductions?, \d+ nodes?$/);
    expect(await panel.getByTestId('download-model').isDisabled()).toBe(false);
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);

    // The imported copy has no weights: downloads and the quick check are off, with the reason.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    const exported = readFileSync(await download.path(), 'utf8');
    await page.getByTestId('close-run').click();
    await page.getByTestId('import-input').setInputFiles({ name: 'frontier.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
    await expect.poll(() => status(page)).toMatch(/Read-only/);
    expect(await status(page)).toMatch(/Imported from a file/);
    await page.getByTestId('pool-point').first().click();
    await panel.waitFor();
    for (const id of ['download-model', 'download-onnx', 'quick-check']) {
      expect(await panel.getByTestId(id).isDisabled(), id).toBe(true);
      expect(await panel.getByTestId(id).getAttribute('aria-describedby')).toBe('no-weights');
    }
    expect(await panel.getByTestId('no-weights').textContent()).toMatch(/imported file, which holds the results but no trained weights/);
    await saveScreenshot(page, 'newcomer-2-imported-model');
    await page.getByTestId('close-model').click();
    await page.getByTestId('close-run').click();
  });

  it('Stop asks first; a stopped run continues; a run interrupted by a reload reads "interrupted" in the list and the banner', async () => {
    const { page } = s;
    await startTiny(page);
    await page.getByTestId('stop-button').click();
    await page.getByTestId('stop-confirm').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('stop-confirm-yes');
    await page.getByTestId('stop-confirm-yes').click();
    await expect.poll(() => status(page), { timeout: 180_000, interval: 1000 }).toMatch(/^\s*stopped — You stopped it\./);
    expect(await page.getByTestId('pool-point').count()).toBe(0);

    // Continue takes it up again; a reload while it runs interrupts it.
    await page.getByTestId('continue-button').click();
    await expect.poll(() => status(page), { timeout: 60_000 }).toMatch(/^\s*running/);
    await page.reload();
    await page.getByTestId('resume-banner').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('resume-banner').textContent()).toMatch(/was interrupted/);
    await expect.poll(() => page.getByTestId('run-row').filter({ hasText: 'interrupted' }).count()).toBe(1);
    expect(await page.getByTestId('runs-table').textContent()).not.toMatch(/running/);
    await saveScreenshot(page, 'newcomer-3-interrupted');
    await page.getByTestId('resume-run').click({ timeout: 180_000 });
    await expect.poll(() => status(page), { timeout: 600_000, interval: 1000 }).toMatch(/finished — It reached its limit of 1 model\./);
    expect(await page.getByTestId('pool-point').count()).toBe(1);
    expect(s.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
