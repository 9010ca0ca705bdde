// The download path in real Chromium, against a local HTTPS server that answers for the real hosts: Chromium's
// resolver maps raw.githubusercontent.com and www.cs.toronto.edu to it (--host-resolver-rules) and accepts its
// self-signed certificate, so the page fetches the catalogue's real URLs under the production CSP, with no
// setting in the app. The server serves small synthetic files in exactly the hosts' formats: Fashion-MNIST as
// four gzipped IDX files, CIFAR-10 as cifar-10-binary.tar.gz (a gzipped tar of data_batch_1..5.bin,
// test_batch.bin, batches.meta.txt, readme.html). A 404 and a truncated gzip are refused by file name and store
// nothing; then both datasets are downloaded through the picker, survive a reload, and a tiny search trains on each;
// once CIFAR-10 is deleted, its run still opens, read-only, saying the dataset is gone.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CIFAR10, FASHION_MNIST } from '../../../src/data/sources/downloads.ts';
import { cifarFile, cifarRecord, idxImages, idxLabels, tarArchive } from '../../data/make-files.ts';
import { openSession, saveLogs, type Session } from '../helpers/browser.ts';
import { checkScreen } from '../helpers/screen-check.ts';

const HOSTS = ['raw.githubusercontent.com', 'www.cs.toronto.edu'];

/** Fashion-MNIST's four files: 300 training and 100 test images, labels cycling through the 10 classes. */
function fashionFiles(): Record<string, Buffer> {
  const labels = (n: number): number[] => Array.from({ length: n }, (_, i) => (i * 7) % 10);
  const f = FASHION_MNIST.files;
  return {
    [f.trainImages.url]: gzipSync(idxImages(300, 28, 28)),
    [f.trainLabels.url]: gzipSync(idxLabels(labels(300))),
    [f.testImages.url]: gzipSync(idxImages(100, 28, 28)),
    [f.testLabels.url]: gzipSync(idxLabels(labels(100))),
  };
}

const CIFAR_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** cifar-10-binary.tar.gz with 5 × 60 training and 60 test records, laid out as the real archive. */
function cifarArchive(): Buffer {
  const batch = (k: number): Uint8Array => cifarFile(Array.from({ length: 60 }, (_, i) => cifarRecord([(i + k) % 10], 97 * k + i)));
  const dir = 'cifar-10-batches-bin/';
  return gzipSync(tarArchive([
    { name: dir },
    { name: `${dir}batches.meta.txt`, bytes: new TextEncoder().encode(`${CIFAR_NAMES.join('\n')}\n\n`) },
    ...[1, 2, 3, 4, 5].map((k) => ({ name: `${dir}data_batch_${k}.bin`, bytes: batch(k) })),
    { name: `${dir}readme.html`, bytes: new TextEncoder().encode('<meta HTTP-EQUIV="REFRESH" content="0; url=http://www.cs.toronto.edu/~kriz/cifar.html">') },
    { name: `${dir}test_batch.bin`, bytes: batch(0) },
  ]));
}

/** A self-signed certificate for the mapped hosts (Chromium is told to accept it). */
function certificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'petridish-hosts-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=dataset hosts',
    '-addext', `subjectAltName=${HOSTS.map((h) => `DNS:${h}`).join(',')}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'pipe' });
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}

/** The app's dataset records and chunk count, read with the raw IndexedDB API (no app code). */
function stored(page: Page): Promise<{ datasets: string[]; chunks: number }> {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('petridish');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(['datasets', 'datasetChunks']);
      const ids = tx.objectStore('datasets').getAllKeys();
      const chunks = tx.objectStore('datasetChunks').count();
      tx.oncomplete = () => {
        db.close();
        resolve({ datasets: ids.result.map(String), chunks: chunks.result });
      };
      tx.onerror = () => reject(tx.error);
    };
  }));
}

describe('dataset downloads from the real hosts\' URLs, answered locally', () => {
  let s: Session;
  let server: Server;
  /** What the server answers: the files, a 404 for Fashion-MNIST's last file, or CIFAR-10's archive cut short. */
  let mode: 'ok' | 'missing' | 'truncated' = 'ok';
  const requests: string[] = [];
  const files: Record<string, Buffer> = { ...fashionFiles(), [CIFAR10.archive.url]: cifarArchive() };

  beforeAll(async () => {
    server = createServer(certificate(), (req, res) => {
      const url = `https://${req.headers.host ?? ''}${req.url ?? '/'}`;
      requests.push(url);
      let body = files[url];
      if (mode === 'missing' && url === FASHION_MNIST.files.testLabels.url) body = undefined;
      if (mode === 'truncated' && body && url === CIFAR10.archive.url) body = body.subarray(0, Math.floor(body.length * 0.6));
      const cors = { 'Access-Control-Allow-Origin': '*' };
      if (!body) {
        res.writeHead(404, { ...cors, 'Content-Type': 'text/plain' }).end('404: Not Found');
        return;
      }
      res.writeHead(200, { ...cors, 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    s = await openSession(inject('baseUrl'), [
      `--host-resolver-rules=${HOSTS.map((h) => `MAP ${h} 127.0.0.1:${port}`).join(', ')}`,
      '--ignore-certificate-errors',
    ]);
  });
  afterAll(async () => {
    saveLogs('downloads', s.logs);
    await s.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('refuses a 404 and a truncated gzip by file name, storing nothing; downloads, reloads and trains on both; a deleted one leaves its run read-only', async () => {
    const { page } = s;
    await page.goto('/?backends=webgl,cpu&maxPoolSize=1');

    mode = 'missing';
    await page.getByTestId('download-fashion-mnist').click();
    await expect.poll(() => page.getByTestId('dataset-error').textContent(), { timeout: 60_000 })
      .toMatch(/^t10k-labels-idx1-ubyte\.gz: the server answered 404 Not Found for https:\/\/raw\.githubusercontent\.com\/zalandoresearch\/fashion-mnist\/.*"Upload"/);
    mode = 'truncated';
    await page.getByTestId('download-cifar10').click();
    await expect.poll(() => page.getByTestId('dataset-error').textContent(), { timeout: 60_000 })
      .toMatch(/^cifar-10-binary\.tar\.gz: the gzip data is truncated or corrupt/);
    expect(await stored(page)).toEqual({ datasets: [], chunks: 0 });
    expect(await page.getByTestId('download-cifar10').isEnabled()).toBe(true);

    mode = 'ok';
    await page.getByTestId('download-fashion-mnist').click();
    await expect.poll(() => page.getByTestId('dataset-notice').textContent(), { timeout: 60_000 })
      .toMatch(/^Fashion-MNIST is ready: 300 training and 100 test images, 10 classes/);
    await page.getByTestId('download-cifar10').click();
    await expect.poll(() => page.getByTestId('dataset-notice').textContent(), { timeout: 60_000 })
      .toMatch(/^CIFAR-10 is ready: 300 training and 60 test images, 10 classes/);
    expect(await page.getByTestId('dataset-notes').textContent()).toMatch(/read 8 files from cifar-10-binary\.tar\.gz/);
    expect(requests).toContain(CIFAR10.archive.url);
    expect(requests).toContain(FASHION_MNIST.files.trainImages.url);

    for (const [id, summary] of [['cifar10', /CIFAR-10: 300 training \+ 60 test images, 32×32×3, 10 classes/], ['fashion-mnist', /Fashion-MNIST: 300 training \+ 100 test images, 28×28×1, 10 classes/]] as const) {
      await page.goto('/?backends=webgl,cpu&maxPoolSize=1');
      await page.locator(`input[name="dataset"][value="${id}"]`).check({ timeout: 60_000 });
      expect(await page.getByTestId('dataset-summary').textContent()).toMatch(summary);
      // The class names come from the archive's batches.meta.txt, and its images show.
      if (id === 'cifar10') await page.getByLabel('example of truck').first().waitFor({ timeout: 60_000 });
      await page.getByTestId('preset-select').selectOption('tiny');
      await page.getByTestId('start-button').click();
      await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 300_000, interval: 1000 }).toMatch(/finished/);
      expect(await page.getByTestId('pool-point').count()).toBe(1);
      expect(await checkScreen(page, `downloads-${id}-trained`)).toEqual([]);
    }
    expect((await stored(page)).datasets).toEqual(expect.arrayContaining(['cifar10', 'fashion-mnist']));

    // Deleting CIFAR-10 keeps the run that trained on it: Continue opens it read-only, saying the dataset is gone.
    await page.goto('/?backends=webgl,cpu');
    await page.getByTestId('delete-cifar10').click({ timeout: 60_000 });
    await page.getByTestId('dataset-delete-yes').click();
    await expect.poll(() => page.getByTestId('dataset-notice').textContent(), { timeout: 60_000 }).toMatch(/^CIFAR-10 was deleted/);
    expect((await stored(page)).datasets).toEqual(['fashion-mnist']);
    await page.getByTestId('run-row').filter({ hasText: 'CIFAR-10' }).getByTestId('continue-run').click();
    await expect.poll(() => page.getByTestId('run-dataset-gone').textContent(), { timeout: 60_000 })
      .toMatch(/^The dataset "CIFAR-10" this run trained on is no longer stored in this browser, so the run is open read-only.*Add CIFAR-10 again/);
    expect(await page.getByTestId('run-status').textContent()).toMatch(/^\s*Read-only · finished/);
    expect(await page.getByTestId('pool-point').count()).toBe(1);
    expect(await page.getByTestId('continue-button').count()).toBe(0);
    expect(await checkScreen(page, 'downloads-dataset-gone')).toEqual([]);
    expect(s.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
