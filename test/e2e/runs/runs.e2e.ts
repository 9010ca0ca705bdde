// Stored runs in real Chromium: two runs are kept, a finished run opens read-only, a run can be deleted, an
// exported frontier imports read-only with the same points, a broken import names its field, and a corrupt
// record in IndexedDB is reported and skipped without stopping the app.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, saveLogs, type Session } from '../helpers/browser.ts';
import { checkScreen } from '../helpers/screen-check.ts';

async function startTiny(page: Page): Promise<void> {
  await page.getByTestId('dataset-mnist').check();
  await page.getByTestId('preset-select').selectOption('tiny');
  await page.getByTestId('start-button').click();
  await page.getByTestId('run-status').waitFor({ timeout: 120_000 });
}

function status(page: Page): Promise<string | null> {
  return page.getByTestId('run-status').textContent();
}

describe('runs: keep, open read-only, delete, import', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseUrl'));
  });
  afterAll(async () => {
    saveLogs('runs', s.logs);
    await s.close();
  });

  it('keeps runs, opens a finished one read-only, deletes, imports and survives a corrupt record', async () => {
    const { page } = s;
    page.on('dialog', (d) => void d.accept());
    const rows = page.getByTestId('run-row');
    // A one-model search: it finishes after its first seed.
    await page.goto('/?backends=webgpu&maxPoolSize=1');
    await expect.poll(() => page.getByTestId('backend-name').textContent(), { timeout: 120_000 }).toBe('webgpu');
    await startTiny(page);
    await expect.poll(() => status(page), { timeout: 600_000, interval: 1000 }).toMatch(/finished/);
    const ids = await page.getByTestId('pool-point').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    const exported = readFileSync(await download.path(), 'utf8');
    await page.getByTestId('close-run').click();

    // A second run, stopped at once.
    await startTiny(page);
    // Stop asks first; keeping the search leaves it running.
    await page.getByTestId('stop-button').click();
    await page.getByTestId('stop-confirm-no').click();
    expect(await page.getByTestId('stop-confirm').count()).toBe(0);
    expect(await status(page)).not.toMatch(/stopped/);
    await page.getByTestId('stop-button').click();
    await page.getByTestId('stop-confirm-yes').click();
    // Not /stopped/ alone: while stopping, the reason already reads "You stopped it".
    await expect.poll(() => status(page), { timeout: 180_000, interval: 1000 }).toMatch(/^\s*stopped\b.*You stopped it\./);
    await page.getByTestId('close-run').click();
    await expect.poll(() => rows.count()).toBe(2);
    expect(await checkScreen(page, 'runs-1-two-runs')).toEqual([]);

    // The finished run opens read-only: no pause, resume or stop.
    await rows.filter({ hasText: 'finished' }).getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => status(page)).toMatch(/Read-only/);
    for (const id of ['pause-button', 'resume-button', 'stop-button']) expect(await page.getByTestId(id).count()).toBe(0);
    expect(await page.getByTestId('pool-point').count()).toBe(ids.length);
    await page.getByTestId('close-run').click();

    // Deleting the stopped run removes it.
    await rows.filter({ hasText: 'stopped' }).getByRole('button', { name: /^Delete/ }).click();
    await expect.poll(() => rows.count()).toBe(1);

    // The exported frontier imports read-only with the same points.
    await page.getByTestId('import-input').setInputFiles({ name: 'frontier.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
    await expect.poll(() => status(page)).toMatch(/Read-only/);
    const imported = await page.getByTestId('pool-point').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
    const suffix = (id: string): string => id.split('-').at(-1) ?? '';
    expect(imported.map(suffix).sort()).toEqual(ids.map(suffix).sort());
    expect(await page.getByTestId('pause-button').count()).toBe(0);
    expect(await checkScreen(page, 'runs-2-imported')).toEqual([]);
    await page.getByTestId('close-run').click();

    // A broken export is refused with an error that names the field.
    const broken = JSON.parse(exported) as { points: Record<string, unknown>[] };
    (broken.points[0] as Record<string, unknown>).madd = 'lots';
    await page.getByTestId('import-input').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
    await expect.poll(() => page.getByTestId('problems').textContent()).toMatch(/points\[0\]\.madd/);
    expect(await checkScreen(page, 'runs-3-broken-import')).toEqual([]);
    await page.getByTestId('problems').getByRole('button', { name: 'Dismiss' }).click();

    // A corrupt run record is reported and skipped; the app goes on working.
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('petridish');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction('runs', 'readwrite');
            tx.objectStore('runs').put({ id: 'corrupt-run', name: 42, status: 'sideways' });
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
    );
    await page.reload();
    await expect.poll(() => page.getByTestId('problems').textContent(), { timeout: 60_000 }).toMatch(/corrupt-run/);
    await expect.poll(() => rows.count()).toBe(2);
    expect(await checkScreen(page, 'runs-4-corrupt-record')).toEqual([]);
    await rows.filter({ hasText: 'imported' }).getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => status(page)).toMatch(/Read-only/);
    expect(await page.getByTestId('pool-point').count()).toBe(ids.length);
    expect(s.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
