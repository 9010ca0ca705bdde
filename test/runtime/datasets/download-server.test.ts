// The download path end to end in Node: a local HTTP server serves Fashion-MNIST's four files in the real
// host's format (gzipped IDX, served as bytes with a Content-Length, as raw.githubusercontent.com does), and
// importDownload fetches them with the real fetch, parses, stores and reads them back. No internet is used.
import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST } from '../../../src/data/sources/downloads.ts';
import { getDataset } from '../../../src/persistence/repositories/dataset-repo.ts';
import { importDownload, type ImportProgress } from '../../../src/runtime/datasets/dataset-import.ts';
import { freshDb } from '../../persistence/persistence-fixtures.ts';
import { idxImages, idxLabels } from '../../data/make-files.ts';

const trainLabels = Array.from({ length: 50 }, (_, i) => i % 10);
const testLabels = Array.from({ length: 20 }, (_, i) => (i * 3) % 10);
const FILES: Record<string, Buffer> = {
  [FASHION_MNIST.files.trainImages.name]: gzipSync(idxImages(50, 28, 28)),
  [FASHION_MNIST.files.trainLabels.name]: gzipSync(idxLabels(trainLabels)),
  [FASHION_MNIST.files.testImages.name]: gzipSync(idxImages(20, 28, 28)),
  [FASHION_MNIST.files.testLabels.name]: gzipSync(idxLabels(testLabels)),
};

describe('download from a local server in the real host format', () => {
  let server: Server;
  let base = '';
  const requested: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '/';
      const name = url.split('/').pop() ?? '';
      requested.push(name);
      const body = url.startsWith('/data/fashion/') ? FILES[name] : undefined;
      if (!body) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length, 'Access-Control-Allow-Origin': '*' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/data/fashion/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('Fashion-MNIST: fetched, parsed, stored with its class names, read back', async () => {
    const { db } = await freshDb();
    const progress: ImportProgress[] = [];
    const summary = await importDownload(db, 'fashion-mnist', (p) => progress.push(p), (u, i) => fetch(u, i), base);
    expect([...requested].sort()).toEqual(Object.keys(FILES).sort());
    expect(summary).toMatchObject({ id: 'fashion-mnist', source: 'download', trainCount: 50, testCount: 20, numClasses: 10 });
    expect(summary.classNames[0]).toBe('T-shirt/top');
    const downloaded = progress.filter((p) => p.phase === 'download');
    const total = Object.values(FILES).reduce((n, b) => n + b.length, 0);
    expect(downloaded.at(-1)).toMatchObject({ loaded: total, total });
    expect(progress.at(-1)?.phase).toBe('store');
    const back = (await getDataset(db, 'fashion-mnist')).record;
    expect(Array.from(back?.test?.labels ?? [])).toEqual(testLabels);
  });

  it('a missing file is refused naming the file and the host, and suggests Upload', async () => {
    const { db } = await freshDb();
    const err = await importDownload(db, 'fashion-mnist', undefined, (u, i) => fetch(u, i), base.replace('/fashion/', '/elsewhere/')).catch((e: unknown) => e);
    const message = (err as Error).message;
    expect(message).toMatch(/train-images-idx3-ubyte\.gz/);
    expect(message).toMatch(/127\.0\.0\.1/);
    expect(message).toMatch(/Upload/);
  });
});
