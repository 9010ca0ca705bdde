// Every screen by keyboard alone, in real Chromium, with an axe-core scan of each: the start screen (with a
// tiny uploaded CSV beside MNIST, the dataset radios move by ArrowUp/ArrowDown and the summary follows; the
// upload's delete question closed by Escape, then answered by Enter; the size select by arrows, Start by
// Enter), a running run with its plot (Pause by Space, the Stop confirmation closed by Escape and confirmed by
// Enter), the model panel (opened by Enter on a point, a term's tooltip hidden by a first Escape, the panel
// closed by the second, focus back on the point), the final-training panel (started by Enter, paused by Space),
// the runs list and the comparison (ticks by Space, Compare by Enter, a frontier hidden by Space). Focus is
// checked through document.activeElement after each key, never by waiting a fixed time.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, saveLogs, type Session } from '../helpers/browser.ts';
import { checkScreen } from '../helpers/screen-check.ts';

interface Focused {
  testId: string | null;
  tag: string;
  name: string;
  checked: boolean | null;
  value: string | null;
}

/** What has the keyboard focus: its test id, tag, accessible-ish name, and checked state or value. */
function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    const input = e instanceof HTMLInputElement ? e : null;
    return {
      testId: e?.getAttribute('data-testid') ?? null,
      tag: e?.tagName.toLowerCase() ?? '',
      name: (e?.getAttribute('aria-label') ?? e?.textContent ?? '').trim().slice(0, 80),
      checked: input && (input.type === 'checkbox' || input.type === 'radio') ? input.checked : null,
      value: e instanceof HTMLSelectElement || input ? (e as HTMLInputElement).value : null,
    };
  });
}

/**
 * Presses Tab (Shift+Tab with `back`) until the focused element matches, at most `max` times; fails naming
 * the elements it passed. Returns the focused element.
 */
async function tabTo(page: Page, what: string, match: (f: Focused) => boolean, { max = 120, back = false } = {}): Promise<Focused> {
  const passed: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (match(f)) return f;
    passed.push(f.testId ?? `${f.tag}:${f.name}`);
  }
  throw new Error(`Tab never reached ${what}; it passed: ${passed.join(' | ')}`);
}

const byId = (id: string) => (f: Focused): boolean => f.testId === id;

/** A 12-row CSV of 8×8 images (64 pixel columns, the label last; values 0–16), a second dataset to choose. */
function tinyCsv(): Buffer {
  const lines = [[...Array.from({ length: 64 }, (_, i) => `pixel_${i}`), 'target'].join(',')];
  for (let r = 0; r < 12; r++) lines.push([...Array.from({ length: 64 }, (_, i) => String((r * 5 + i) % 17)), String(r % 2)].join(','));
  return Buffer.from(`${lines.join('\n')}\n`);
}

function status(page: Page): Promise<string | null> {
  return page.getByTestId('run-status').textContent();
}

describe('keyboard only, and an accessibility scan of each screen', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseUrl'));
  });
  afterAll(async () => {
    saveLogs('keyboard', s.logs);
    await s.close();
  });

  it('reaches and operates every screen\'s main controls by keyboard; no serious or critical axe finding', async () => {
    const { page } = s;
    await page.goto('/?backends=webgpu&maxPoolSize=2');
    await expect.poll(() => page.getByTestId('backend-name').textContent(), { timeout: 120_000 }).toBe('webgpu');
    expect(await checkScreen(page, 'keyboard-1-setup')).toEqual([]);

    // Start screen: a tiny CSV uploaded beside MNIST makes the dataset radios a group of two, the upload chosen.
    await page.getByText('Upload a dataset').click();
    await page.getByTestId('upload-format').selectOption('csv');
    await page.getByLabel('Label column').fill('-1');
    await page.getByTestId('upload-files').setInputFiles([{ name: 'keys.csv', mimeType: 'text/csv', buffer: tinyCsv() }]);
    await page.getByTestId('upload-name').fill('Keys');
    await page.getByTestId('upload-submit').click();
    await expect.poll(() => page.getByTestId('dataset-notice').textContent(), { timeout: 60_000 }).toMatch(/^Keys is ready/);
    await page.getByText('Upload a dataset').click();
    const summary = page.getByTestId('dataset-summary');
    await page.locator('body').focus();
    // Only the chosen radio of a group is a Tab stop; the arrows move the choice, and the summary follows it.
    let f = await tabTo(page, 'the chosen dataset radio', byId('dataset-upload-choice'));
    expect(f.checked).toBe(true);
    await page.keyboard.press('ArrowUp');
    expect(await focused(page)).toMatchObject({ testId: 'dataset-mnist', checked: true });
    await expect.poll(() => summary.textContent()).toMatch(/^\s*MNIST: /);
    await page.keyboard.press('ArrowDown');
    expect(await focused(page)).toMatchObject({ testId: 'dataset-upload-choice', checked: true });
    await expect.poll(() => summary.textContent()).toMatch(/^\s*Keys: .*8×8×1, 2 classes/);
    await page.keyboard.press('ArrowUp');
    expect(await focused(page)).toMatchObject({ testId: 'dataset-mnist', checked: true });
    await expect.poll(() => summary.textContent()).toMatch(/^\s*MNIST: /);

    // The upload's Delete asks first, the focus on "Keep it"; Escape keeps the dataset and gives the focus back.
    await tabTo(page, 'the upload\'s Delete button', byId('dataset-delete'));
    await page.keyboard.press('Enter');
    await page.getByTestId('dataset-delete-confirm').waitFor();
    expect((await focused(page)).testId, 'the question takes the focus on its safe answer').toBe('dataset-delete-no');
    expect(await checkScreen(page, 'keyboard-1-setup-delete-question')).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('dataset-delete-confirm').count()).toBe(0);
    expect((await focused(page)).testId, 'Escape gives the focus back to Delete').toBe('dataset-delete');
    expect(await page.getByTestId('dataset-upload-choice').count()).toBe(1);
    // Deleted by keyboard: the button is gone, so the focus goes to the chosen dataset's radio.
    await page.keyboard.press('Enter');
    await tabTo(page, 'Delete in the question', byId('dataset-delete-yes'), { back: true });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('dataset-notice').textContent()).toMatch(/^Keys was deleted/);
    expect(await page.getByTestId('dataset-upload-choice').count()).toBe(0);
    expect(await focused(page)).toMatchObject({ testId: 'dataset-mnist', checked: true });

    // The size select changes with the arrows.
    f = await tabTo(page, 'the size select', byId('preset-select'));
    // With a time budget (the default) the strategy is offered too, in Advanced settings, opened by Enter.
    expect(f.value).toBe('budget:10');
    await tabTo(page, 'Advanced settings', (g) => g.tag === 'summary' && g.name === 'Advanced settings');
    await page.keyboard.press('Enter');
    f = await tabTo(page, 'the strategy select', byId('strategy-select'), { max: 3 });
    await page.keyboard.press('ArrowDown');
    expect((await focused(page)).value).toBe('random');
    expect(await page.getByTestId('adv-budget-note').isVisible()).toBe(true);
    expect(await page.getByTestId('adv-eps').count(), 'a time budget sizes the training settings itself').toBe(0);
    await page.keyboard.press('ArrowUp');
    expect((await focused(page)).value).toBe('petridish');
    f = await tabTo(page, 'the size select', byId('preset-select'), { back: true });
    const seen = [f.value];
    for (let i = 0; i < 12 && f.value !== 'tiny'; i++) {
      await page.keyboard.press('ArrowDown');
      f = await focused(page);
      expect(f.value, 'each ArrowDown picks the next option').not.toBe(seen.at(-1));
      seen.push(f.value);
    }
    expect(f.value).toBe('tiny');
    // The measurement by Enter: its button gives way to Cancel, which takes the focus; once measured, the
    // focus goes on to Start (never to the page's body).
    await tabTo(page, 'the measure button', byId('calibrate-button'));
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).testId, { timeout: 60_000 }).toBe('measure-cancel');
    await page.getByTestId('time-estimate').waitFor({ timeout: 120_000 });
    await expect.poll(async () => (await focused(page)).testId).toBe('start-button');
    await page.keyboard.press('Enter');
    // The run replaces the setup screen: the focus goes to the run's heading, and Tab from there reaches Pause.
    await expect.poll(async () => (await focused(page)).testId, { timeout: 120_000 }).toBe('run-heading');
    await tabTo(page, 'the Pause button, next after the heading', byId('pause-button'), { max: 3 });

    // A running run with its plot: Pause by Space, then the Stop confirmation.
    await page.getByTestId('pool-point').first().waitFor({ timeout: 600_000 });
    await expect.poll(() => status(page)).toMatch(/running/);
    expect(await checkScreen(page, 'keyboard-2-run-running')).toEqual([]);
    await page.locator('body').focus();
    await tabTo(page, 'the Pause button', byId('pause-button'));
    await page.keyboard.press('Space');
    await expect.poll(() => status(page), { timeout: 300_000, interval: 500 }).toMatch(/^\s*paused/);
    await tabTo(page, 'the Stop button', byId('stop-button'));
    await page.keyboard.press('Enter');
    expect((await focused(page)).testId, 'the confirmation takes the focus').toBe('stop-confirm-yes');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('stop-confirm').count()).toBe(0);
    expect((await focused(page)).testId, 'Escape gives the focus back to Stop').toBe('stop-button');
    expect(await status(page)).toMatch(/paused/);

    // The model panel: Enter on a point opens it with the focus inside, Escape closes it back to the point.
    await tabTo(page, 'a point of the plot', byId('pool-point'));
    await page.keyboard.press('Enter');
    await page.getByTestId('model-panel').waitFor();
    expect(await page.evaluate(() => document.querySelector('[data-testid="model-panel"]')?.contains(document.activeElement))).toBe(true);
    expect(await checkScreen(page, 'keyboard-3-model-panel')).toEqual([]);
    // A term's tooltip shows on focus; the first Escape hides it and leaves the panel open, the second closes it.
    const term = page.getByTestId('model-panel').getByTestId('term-shape');
    await term.getByRole('button').focus();
    expect(await term.getByRole('tooltip').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await term.getByRole('tooltip').isVisible()).toBe(false);
    expect(await page.getByTestId('model-panel').count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('model-panel').count()).toBe(0);
    expect((await focused(page)).testId).toBe('pool-point');

    // The final-training panel: fields by typing, Start by Enter, Pause by Space.
    await tabTo(page, 'the final width field', byId('final-width'));
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('4');
    await tabTo(page, 'the final epochs field', byId('final-epochs'));
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('1');
    await tabTo(page, 'Start final training', byId('final-start'));
    await page.keyboard.press('Enter');
    const finalStatus = page.getByTestId('final-status').first();
    await expect.poll(() => finalStatus.getAttribute('data-status'), { timeout: 120_000 }).toMatch(/queued|running/);
    expect(await checkScreen(page, 'keyboard-4-final-training')).toEqual([]);
    await tabTo(page, 'the final Pause button', byId('final-pause'));
    await page.keyboard.press('Space');
    await expect.poll(() => finalStatus.getAttribute('data-status'), { timeout: 300_000, interval: 500 }).toBe('paused');

    // Stop for good (Enter on the confirmation), then Close by keyboard.
    await page.locator('body').focus();
    await tabTo(page, 'the Stop button', byId('stop-button'));
    await page.keyboard.press('Enter');
    expect((await focused(page)).testId).toBe('stop-confirm-yes');
    await page.keyboard.press('Enter');
    await expect.poll(() => status(page), { timeout: 180_000, interval: 500 }).toMatch(/^\s*stopped/);
    await page.locator('body').focus();
    await tabTo(page, 'the Close button', byId('close-run'));
    await page.keyboard.press('Enter');

    // The runs list with an imported run beside it; tick both by Space, Compare by Enter.
    const text = readFileSync('test/e2e/fixtures/mnist-budget-random.json', 'utf8');
    await page.getByTestId('import-input').setInputFiles({ name: 'random.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await expect.poll(() => status(page), { timeout: 60_000 }).toMatch(/Read-only/);
    await page.getByTestId('close-run').click();
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(2);
    expect(await checkScreen(page, 'keyboard-5-runs-list')).toEqual([]);
    await page.locator('body').focus();
    for (let i = 0; i < 2; i++) {
      await tabTo(page, `the compare tick of run ${i + 1}`, byId('compare-pick'));
      await page.keyboard.press('Space');
      expect((await focused(page)).checked).toBe(true);
    }
    await tabTo(page, 'the Compare button', byId('compare-button'));
    await page.keyboard.press('Enter');
    await page.getByTestId('compare-screen').waitFor();
    const plot = page.getByTestId('compare-plot');
    expect((await plot.getAttribute('data-shown'))?.split(' ')).toHaveLength(2);
    // The search run here has its running time; the imported file carries none.
    expect(await page.getByTestId('compare-search-time').allTextContents()).toEqual(['not recorded', expect.stringMatching(/^\d+ s$|^\d+ min \d+ s$/)]);
    await page.locator('body').focus();
    await tabTo(page, 'a frontier toggle', byId('compare-toggle'));
    await page.keyboard.press('Space');
    await expect.poll(async () => (await plot.getAttribute('data-shown'))?.split(' ').filter(Boolean)).toHaveLength(1);
    await tabTo(page, 'Close of the comparison', byId('close-compare'), { back: true });
    await page.keyboard.press('Enter');
    await page.getByTestId('runs-table').waitFor();
    expect(s.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
