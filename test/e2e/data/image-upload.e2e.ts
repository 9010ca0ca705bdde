// An image-folder upload decoded by the browser itself (createImageBitmap + OffscreenCanvas): black strokes on a
// fully transparent background (test/data/cases/transparent-ink-8x8.png) are composited on white, so they stay
// visible, and the stored pixels show it. The zip's train/ and test/ folders become splits, not classes. A second
// upload of the same name waits behind a warning, and a valid/ folder is stated as the runs' validation set.
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, saveLogs, type Session } from '../helpers/browser.ts';

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

  it('warns before a second dataset of the same name, and says a valid/ folder is the validation set', async () => {
    const { page } = s;
    await page.goto('/?backends=cpu');
    const zip = zipSync({ 'd/train/ink/1.png': ink, 'd/train/ink2/2.png': ink, 'd/train/ink/4.png': ink, 'd/valid/ink/5.png': ink, 'd/valid/ink2/6.png': ink, 'd/test/ink/3.png': ink });
    await page.getByText('Upload a dataset').click();
    await page.getByTestId('upload-format').selectOption('image-zip');
    await page.getByTestId('upload-files').setInputFiles([{ name: 'ink.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) }]);
    await page.locator('input[type="number"]').nth(0).fill('8');
    await page.locator('input[type="number"]').nth(1).fill('8');
    // "Ink" is stored by the test above: the warning names it and the upload waits for a choice.
    await page.getByTestId('upload-name').fill('ink ');
    await page.getByTestId('upload-duplicate').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('upload-duplicate').textContent()).toMatch(/A dataset named “Ink” is already stored \(\d+ B\)/);
    expect(await page.getByTestId('upload-submit').isDisabled()).toBe(true);
    await page.getByTestId('upload-name').fill('Ink with validation');
    expect(await page.getByTestId('upload-duplicate').count()).toBe(0);
    await page.getByTestId('upload-name').fill('Ink');
    await page.getByTestId('upload-keep-both').check();
    expect(await page.getByTestId('upload-submit').isEnabled()).toBe(true);
    await page.getByTestId('upload-submit').click();
    await expect.poll(() => page.getByTestId('dataset-notice').textContent(), { timeout: 60_000 })
      .toMatch(/Ink is ready: 3 training, 2 validation and 1 test images, 2 classes/);
    expect(await page.getByTestId('dataset-upload-choice').count()).toBe(2);
    expect(await page.getByTestId('dataset-valid-use').textContent()).toMatch(/scored on this dataset's own 2 validation images .* never trained on/);
    expect(s.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
