// The start screen in real Chromium without WebGPU (?backends=webgl,cpu): the device panel says why, gzipped
// IDX files are uploaded through the page and summarised, a malformed upload shows the parser's message without
// losing the stored one, and a tiny search on the upload reaches 2 points.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, saveLogs, type Session } from '../helpers/browser.ts';
import { checkScreen } from '../helpers/screen-check.ts';

function idx(dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(0x800 + dims.length, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

/** 200 images 28×28 of 10 classes: class c is a bright bar at row 2c, so the classes differ visibly. */
function digits(): { images: Buffer; labels: Buffer } {
  const n = 200;
  const pixels = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    labels[i] = c;
    for (let x = 2; x < 26; x++) for (let y = 2 * c + 3; y < 2 * c + 6; y++) pixels[i * 784 + y * 28 + x] = 200 + ((i * 7 + x) % 55);
  }
  return { images: gzipSync(idx([n, 28, 28], pixels)), labels: gzipSync(idx([n], labels)) };
}

describe('start screen and uploads without WebGPU', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseUrl'));
  });
  afterAll(async () => {
    saveLogs('setup-and-data', s.logs);
    await s.close();
  });

  it('CSV upload form: the name follows the picked file, a bad file blocks the upload with its reason, a stored one clears the form', async () => {
    const { page } = s;
    await page.goto('/?backends=cpu');
    await page.getByTestId('backend-name').waitFor({ timeout: 120_000 });
    await page.getByText('Upload a dataset').click();
    await page.getByTestId('upload-format').selectOption('csv');
    const header = [...Array.from({ length: 16 }, (_, i) => `p${i}`), 'label'].join(',');
    const rows = Array.from({ length: 100 }, (_, r) => [...Array.from({ length: 16 }, (_, i) => String((r + i) % 256)), String(r % 2)].join(','));
    const csv = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
    // A row too short: the preview names the file and row without a class name, and the button says why it is off.
    await page.getByTestId('upload-files').setInputFiles([csv('malformed.csv', `${header}\n${rows[0]}\n1,2,3\n`)]);
    await expect.poll(() => page.getByTestId('csv-inferred-error').textContent(), { timeout: 30_000 }).toMatch(/^malformed\.csv: row 3 has 3 columns/);
    expect(await page.getByTestId('upload-name').inputValue()).toBe('malformed');
    expect(await page.getByTestId('upload-submit').isDisabled()).toBe(true);
    expect(await page.getByTestId('upload-blocked').textContent()).toMatch(/cannot be used/);
    // Another file: the name follows it; a header without rows says so.
    await page.getByTestId('upload-files').setInputFiles([csv('headeronly.csv', `${header}\n`)]);
    await expect.poll(() => page.getByTestId('upload-name').inputValue()).toBe('headeronly');
    await expect.poll(() => page.getByTestId('csv-inferred-error').textContent()).toBe('headeronly.csv: the file has a header row but no data rows');
    // A good file: stored, then the form is empty again and warns about nothing.
    await page.getByTestId('upload-files').setInputFiles([csv('bars4x4.csv', `${header}\n${rows.join('\n')}\n`)]);
    await expect.poll(() => page.getByTestId('csv-inferred-label').textContent()).toBe('The label is column 17 (“label”), found by its header name: 2 classes.');
    expect(await page.getByTestId('upload-submit').isDisabled()).toBe(false);
    await page.getByTestId('upload-submit').click();
    await page.getByTestId('dataset-notice').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('dataset-notice').textContent()).toContain('bars4x4 is ready: 100 training');
    await expect.poll(() => page.getByTestId('upload-name').inputValue()).toBe('');
    expect(await page.getByTestId('upload-files').evaluate((el) => (el as HTMLInputElement).files?.length ?? 0)).toBe(0);
    expect(await page.getByTestId('upload-duplicate').count()).toBe(0);
    expect(await page.getByTestId('csv-inferred').count()).toBe(0);
    expect(await page.getByTestId('upload-submit').isDisabled()).toBe(true);
    expect(await checkScreen(page, 'setup-0-csv-form-cleared')).toEqual([]);
  });

  it('uploads IDX files, refuses a malformed one and searches the upload on webgl/cpu', async () => {
    const { page } = s;
    await page.goto('/?backends=webgl,cpu&maxPoolSize=2');
    await expect.poll(() => page.getByTestId('backend-name').textContent(), { timeout: 120_000 }).toMatch(/webgl|cpu/);
    await expect(page.getByTestId('fallback-reason').textContent()).resolves.toMatch(/WebGPU not used: .+/);

    const { images, labels } = digits();
    await page.getByText('Upload a dataset').click();
    await page.getByTestId('upload-files').setInputFiles([
      { name: 'train-images-idx3-ubyte.gz', mimeType: 'application/gzip', buffer: images },
      { name: 'train-labels-idx1-ubyte.gz', mimeType: 'application/gzip', buffer: labels },
    ]);
    await page.getByTestId('upload-name').fill('Bars');
    await page.getByTestId('upload-submit').click();
    await page.getByTestId('dataset-notice').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('dataset-notice').textContent()).toContain('Bars is ready: 200 training');
    await page.getByTestId('example-image').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('example-image').count()).toBe(40);
    expect(await page.getByTestId('class-count').allTextContents()).toEqual(Array(10).fill('20'));
    expect(await page.getByTestId('dataset-summary').textContent()).toContain('200 training + 0 test images, 28×28×1, 10 classes');
    expect(await checkScreen(page, 'setup-1-uploaded')).toEqual([]);

    await page.getByTestId('upload-files').setInputFiles([
      { name: 'broken-images-idx3-ubyte.gz', mimeType: 'application/gzip', buffer: images.subarray(0, images.length - 40) },
      { name: 'train-labels-idx1-ubyte.gz', mimeType: 'application/gzip', buffer: labels },
    ]);
    await page.getByTestId('upload-name').fill('Broken');
    await page.getByTestId('upload-submit').click();
    await page.getByTestId('dataset-error').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('dataset-error').textContent()).toMatch(/gzip|truncated|Broken/i);
    expect(await checkScreen(page, 'setup-2-malformed')).toEqual([]);
    // The CSV test above stored bars4x4 in this profile; the broken upload must have stored nothing.
    const stored = page.locator('.choice', { has: page.getByTestId('dataset-upload-choice') }).locator('strong');
    expect((await stored.allTextContents()).sort()).toEqual(['Bars', 'bars4x4']);

    await page.locator('.choice', { has: page.locator('strong', { hasText: /^Bars$/ }) }).getByTestId('dataset-upload-choice').check();
    await page.getByTestId('preset-select').selectOption('tiny');
    await page.getByTestId('start-button').click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 600_000, interval: 1000 }).toMatch(/finished/);
    expect(await page.getByTestId('pool-point').count()).toBe(2);
    expect(await page.getByTestId('stop-progress').textContent()).toContain('100');
    expect(await checkScreen(page, 'setup-3-finished')).toEqual([]);
    expect(s.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
