// A dataset larger than Chromium's per-value IndexedDB limit (133,169,152 bytes) in real Chromium: a 210 MiB
// synthetic dataset is generated from a seed in the dataset worker (?synthDatasetMiB=210) and stored in chunks,
// survives a reload, trains a tiny search, and is deleted with its storage.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openSession, saveLogs, type Session } from '../helpers/browser.ts';
import { checkScreen } from '../helpers/screen-check.ts';

const MIB = 210;
const ID = `synthetic-${MIB}`;

/** Counts in the app's database, read with the raw IndexedDB API (no app code). */
function storeCounts(page: Page): Promise<{ chunks: number; datasets: string[] }> {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('petridish');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(['datasetChunks', 'datasets']);
      const chunks = tx.objectStore('datasetChunks').count();
      const ids = tx.objectStore('datasets').getAllKeys();
      tx.oncomplete = () => {
        db.close();
        resolve({ chunks: chunks.result, datasets: ids.result.map(String) });
      };
      tx.onerror = () => reject(tx.error);
    };
  }));
}

describe('a dataset over the per-value limit', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseUrl'));
  });
  afterAll(async () => {
    saveLogs('large-dataset', s.logs);
    await s.close();
  });

  it(`stores ${MIB} MiB in chunks, reloads, trains on it and deletes it`, async () => {
    const { page } = s;
    await page.goto(`/?backends=webgl,cpu&maxPoolSize=2&synthDatasetMiB=${MIB}`);
    await page.getByTestId('dataset-notice').waitFor({ timeout: 150_000 });
    const notice = await page.getByTestId('dataset-notice').textContent();
    expect(notice).toMatch(new RegExp(`Synthetic ${MIB} MiB is ready: 71\\.7k training`));
    const stored = await storeCounts(page);
    // 220 MB of pixels and labels in 16 MiB chunks: at least 14, each far below the per-value limit.
    expect(stored.chunks).toBeGreaterThanOrEqual(14);
    expect(stored.datasets).toContain(ID);

    await page.goto('/?backends=webgl,cpu&maxPoolSize=2');
    await page.locator(`input[name="dataset"][value="${ID}"]`).check({ timeout: 60_000 });
    expect(await page.getByTestId('dataset-summary').textContent()).toMatch(/71\.7k training \+ 0 test images, 32×32×3, 10 classes/);
    await page.getByTestId('preset-select').selectOption('tiny');
    await page.getByTestId('start-button').click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 600_000, interval: 1000 }).toMatch(/finished/);
    expect(await page.getByTestId('pool-point').count()).toBe(2);
    expect(await checkScreen(page, 'large-dataset-1-trained')).toEqual([]);

    await page.goto('/?backends=webgl,cpu');
    await page.getByRole('button', { name: `Delete Synthetic ${MIB} MiB` }).click({ timeout: 60_000 });
    await page.getByTestId('dataset-delete-yes').click();
    await expect.poll(() => page.getByTestId('dataset-notice').textContent(), { timeout: 60_000 }).toMatch(/was deleted; 2\d\d\.\d MiB of browser storage freed/);
    expect(await storeCounts(page)).toEqual({ chunks: 0, datasets: expect.not.arrayContaining([ID]) });
    // The run that used it is still listed and opens.
    expect(await page.getByTestId('run-row').count()).toBe(1);
    expect(await checkScreen(page, 'large-dataset-2-deleted')).toEqual([]);
    expect(s.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
