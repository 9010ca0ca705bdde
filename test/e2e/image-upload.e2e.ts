// An image-folder upload decoded by the browser itself (createImageBitmap + OffscreenCanvas): black strokes on a
// fully transparent background (test/data/cases/transparent-ink-8x8.png) are composited on white, so they stay
// visible, and the stored pixels show it. The zip's train/ and test/ folders become splits, not classes.
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, saveLogs, type Session } from './browser.ts';

const ink = new Uint8Array(readFileSync('test/data/cases/transparent-ink-8x8.png'));

describe('image upload in the browser', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseUrl'));
  });
  afterAll(async () => {
    saveLogs('image-upload', s.logs);
    await s.close();
  });

  it('composites transparent images on white and keeps split folders as splits', async () => {
    const { page } = s;
    await page.goto('/?backends=cpu');
    const zip = zipSync({ 'd/train/ink/1.png': ink, 'd/train/ink2/2.png': ink, 'd/test/ink/3.png': ink });
    await page.getByText('Upload a dataset').click();
    await page.getByTestId('upload-format').selectOption('image-zip');
    await page.getByTestId('upload-files').setInputFiles([{ name: 'ink.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) }]);
    await page.locator('input[type="number"]').nth(0).fill('8');
    await page.locator('input[type="number"]').nth(1).fill('8');
    await page.getByTestId('upload-name').fill('Ink');
    await page.getByTestId('upload-submit').click();
    await page.getByTestId('dataset-notice').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('dataset-notice').textContent()).toMatch(/Ink is ready: 2 training and 1 test images, 2 classes/);
    expect(await page.getByTestId('dataset-notes').textContent()).toMatch(/transparent pixels are composited on a white background/);
    const pixels = await page.evaluate(() => new Promise<number[]>((resolve, reject) => {
      const open = indexedDB.open('petridish');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction('datasetChunks');
        const all = tx.objectStore('datasetChunks').getAll();
        tx.oncomplete = () => {
          const chunk = (all.result as { part: string; bytes: Uint8Array }[]).find((c) => c.part === 'train.images');
          open.result.close();
          resolve(Array.from(chunk?.bytes ?? []));
        };
      };
    }));
    expect(pixels.length).toBe(2 * 64);
    // White background (transparent) and dark strokes (opaque black) both present: not an all-black image.
    expect(pixels.filter((v) => v >= 250).length).toBeGreaterThan(10);
    expect(pixels.filter((v) => v <= 5).length).toBeGreaterThan(4);
    expect(s.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
