// A final training in real headless Chromium on WebGPU: after a tiny search (two seeds), the best point is
// rebuilt wider and trained with drop path in a worker; the page reloads mid-training, the reopened run
// continues it from its epoch checkpoint, and the finished model shows its test accuracy, a marker on the
// plot, and downloads as a TF.js zip.
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, saveLogs, saveScreenshot, type Session } from '../helpers/browser.ts';
import { checkScreen } from '../helpers/screen-check.ts';

interface StoredFinal {
  id: string;
  status: string;
  result: { history: { epoch: number; seconds: number; trainLoss: number }[]; testAcc: number; testCount: number } | null;
}
interface StoredCheckpoint {
  jobId: string;
  epoch: number;
  history: { epoch: number; seconds: number; trainLoss: number }[];
}

/** Every record of an IndexedDB store of the app's database, read in the page. */
function readStore<T>(page: Page, store: string): Promise<T[]> {
  return page.evaluate((name) => new Promise<T[]>((resolve, reject) => {
    const open = indexedDB.open('petridish');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const req = db.transaction(name).objectStore(name).getAll();
      req.onsuccess = () => {
        db.close();
        resolve(req.result as T[]);
      };
      req.onerror = () => reject(req.error);
    };
  }), store);
}

describe('final training: a pool point rebuilt and trained fully', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseUrl'));
  });
  afterAll(async () => {
    saveLogs('final-training', s.logs);
    await s.close();
  });

  it('runs to completion, survives a reload mid-training from its checkpoint, and downloads', async () => {
    const { page } = s;
    try {
      await finalTraining(page);
    } catch (e) {
      await saveScreenshot(page, 'final-training-failed');
      throw e;
    }
  });
});

async function finalTraining(page: Page): Promise<void> {
    await page.goto('/?backends=webgpu&maxPoolSize=2');
    await expect.poll(() => page.getByTestId('backend-name').textContent(), { timeout: 120_000 }).toBe('webgpu');
    await page.getByTestId('dataset-mnist').check();
    await page.getByTestId('preset-select').selectOption('tiny');
    await page.getByTestId('start-button').click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 300_000, interval: 1000 }).toMatch(/finished/);

    // The best point is offered first; a small width and 4 epochs keep it short.
    await page.getByTestId('final-width').fill('4');
    await page.getByTestId('final-epochs').fill('4');
    await page.getByTestId('final-start').click();
    const status = page.getByTestId('final-status');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 60_000 }).toBe('running');

    // Reload as soon as the first epoch's checkpoint is stored.
    let checkpoint: StoredCheckpoint | undefined;
    await expect.poll(async () => {
      checkpoint = (await readStore<StoredCheckpoint>(page, 'checkpoints')).find((c) => c.jobId.includes('-f0001'));
      return checkpoint?.epoch ?? 0;
    }, { timeout: 120_000, interval: 200 }).toBeGreaterThanOrEqual(1);
    await page.reload();
    const stored = (await readStore<StoredFinal>(page, 'finals'))[0];
    expect(stored?.status, 'the training was still running when the page went away').toBe('running');

    // Opening the run continues the training from that checkpoint.
    await page.getByTestId('run-row').first().getByRole('button', { name: /Open|Resume/ }).first().click();
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 180_000, interval: 1000 }).toBe('done');
    // The finished final model (test accuracy, downloads, the plot's marker) passes the accessibility scan.
    expect(await checkScreen(page, 'final-training-done')).toEqual([]);
    const done = (await readStore<StoredFinal>(page, 'finals'))[0];
    expect(done?.result?.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    // The epochs before the reload are the checkpoint's, not retrained ones.
    const before = checkpoint?.history ?? [];
    expect(done?.result?.history.slice(0, before.length)).toEqual(before);
    expect(done?.result?.testCount).toBe(100);
    expect(await page.getByTestId('final-test-acc').textContent()).toMatch(/% on 100/);
    expect(await page.getByTestId('final-marker').count()).toBe(1);
    expect((await readStore<{ jobId: string }>(page, 'checkpoints')).some((c) => c.jobId.includes('-f0001'))).toBe(false);
    // Not a pool point: the pool still has its two seeds.
    expect(await page.getByTestId('pool-point').count()).toBe(2);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('final-download').click()]);
    const files = unzipSync(new Uint8Array(readFileSync(await download.path())));
    expect(Object.keys(files).sort()).toEqual(['README-tfjs.txt', 'model.json', 'weights.bin']);
    const model = JSON.parse(new TextDecoder().decode(files['model.json'])) as { modelTopology: unknown; weightsManifest: { weights: { name: string }[] }[] };
    const names = model.weightsManifest.flatMap((m) => m.weights.map((w) => w.name));
    expect(names.length).toBeGreaterThan(0);
    expect(names.some((n) => n.includes('aux'))).toBe(false);
}
