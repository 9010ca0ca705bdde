import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CIFAR10, CIFAR10_SPRITE, DOWNLOAD_SOURCES, FASHION_MNIST, downloadDataset, type DownloadSource } from '../../src/data/sources/downloads.ts';
import { DATASET_HOSTS, contentSecurityPolicy } from '../../src/build/csp.ts';
import type { ByteProgress } from '../../src/data/sources/fetch-bytes.ts';
import { DATASET_CATALOGUE } from '../../src/data/sources/sources.ts';
import { cifarFile, cifarRecord, encodePng, idxImages, idxLabels, tarArchive } from './make-files.ts';

const labels = Array.from({ length: 20 }, (_, i) => i % 10);
const served: Record<string, Uint8Array> = {
  [FASHION_MNIST.files.trainImages.url]: gzipSync(idxImages(20, 28, 28)),
  [FASHION_MNIST.files.trainLabels.url]: gzipSync(idxLabels(labels)),
  [FASHION_MNIST.files.testImages.url]: gzipSync(idxImages(10, 28, 28)),
  [FASHION_MNIST.files.testLabels.url]: gzipSync(idxLabels(labels.slice(0, 10))),
};

const fakeFetch = async (url: string): Promise<Response> => {
  const body = served[url];
  if (!body) return new Response('missing', { status: 404, statusText: 'Not Found' });
  return new Response(body as Uint8Array<ArrayBuffer>, { headers: { 'Content-Length': String(body.length) } });
};

describe('downloads', () => {
  it('downloads Fashion-MNIST from its host with progress from Content-Length', async () => {
    const progress: ByteProgress[] = [];
    const d = await downloadDataset(FASHION_MNIST, fakeFetch, (p) => progress.push(p));
    expect(d).toMatchObject({ id: 'fashion-mnist', source: 'download', numClasses: 10 });
    expect(d.classNames[9]).toBe('Ankle boot');
    expect([d.train.count, d.test?.count]).toEqual([20, 10]);
    const total = Object.values(served).reduce((a, b) => a + b.length, 0);
    expect(progress.at(-1)).toMatchObject({ loaded: total, total, file: 't10k-labels-idx1-ubyte.gz' });
    expect(FASHION_MNIST.files.trainImages.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\//);
  });

  it('parses the CIFAR-10 sprite format', async () => {
    const rows = 12;
    const png = encodePng(Uint8Array.from({ length: rows * 1024 * 3 }, (_, i) => i % 256), 1024, rows, 3);
    const oneHot = new Uint8Array(rows * 10);
    for (let r = 0; r < rows; r++) oneHot[r * 10 + (r % 10)] = 1;
    const sprite = { ...CIFAR10_SPRITE, trainCount: 10 };
    const fetchSprite = async (url: string): Promise<Response> => new Response((url === sprite.image.url ? png : oneHot) as Uint8Array<ArrayBuffer>);
    const progress: ByteProgress[] = [];
    const d = await downloadDataset(sprite, fetchSprite, (p) => progress.push(p));
    expect([d.train.count, d.test?.count, d.shape.channels]).toEqual([10, 2, 3]);
    expect(d.classNames[1]).toBe('automobile');
    // No Content-Length and no catalogue size for the PNG: the total is unknown.
    expect(progress[0]?.total).toBeNull();
  });

  it('turns a network (CORS) failure into an error that names the host and points to upload', async () => {
    const corsFetch = async (): Promise<Response> => {
      throw new TypeError('Failed to fetch');
    };
    const err = downloadDataset(FASHION_MNIST, corsFetch);
    await expect(err).rejects.toThrow(/^train-images-idx3-ubyte\.gz: could not download https:\/\/raw\.githubusercontent\.com\/.*\(Failed to fetch\): raw\.githubusercontent\.com may be unreachable or may not allow cross-origin requests \(CORS\).*"Upload"/);
    await expect(downloadDataset(CIFAR10_SPRITE, fakeFetch)).rejects.toThrow(/the server answered 404 Not Found/);
  });

  describe('CIFAR-10 as the authors publish it (cifar-10-binary.tar.gz)', () => {
    const batch = (first: number, n: number): Uint8Array => cifarFile(Array.from({ length: n }, (_, i) => cifarRecord([(first + i) % 10], first + i)));
    const names = ['plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
    const archive = gzipSync(tarArchive([
      { name: 'cifar-10-batches-bin/' },
      { name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: batch(0, 12) },
      ...[2, 3, 4, 5].map((k) => ({ name: `cifar-10-batches-bin/data_batch_${k}.bin`, bytes: batch(k * 12, 4) })),
      { name: 'cifar-10-batches-bin/batches.meta.txt', bytes: new TextEncoder().encode(`${names.join('\n')}\n\n`) },
      { name: 'cifar-10-batches-bin/readme.html', bytes: new TextEncoder().encode('<html></html>') },
      { name: 'cifar-10-batches-bin/test_batch.bin', bytes: batch(100, 6) },
    ]));
    const serve = (url: string): Response => (url === CIFAR10.archive.url
      ? new Response(archive as Uint8Array<ArrayBuffer>, { headers: { 'Content-Length': String(archive.length) } })
      : new Response('missing', { status: 404, statusText: 'Not Found' }));

    it('reads the batches, the test batch and the class names from the archive, with progress', async () => {
      const progress: ByteProgress[] = [];
      const d = await downloadDataset(CIFAR10, async (u) => serve(u), (p) => progress.push(p));
      expect(CIFAR10.archive.url).toBe('https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz');
      expect([d.id, d.source, d.train.count, d.test?.count, d.numClasses]).toEqual(['cifar10', 'download', 28, 6, 10]);
      expect(d.classNames).toEqual(names);
      expect(Array.from(d.train.labels.subarray(0, 13))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 4]);
      // Record 0 of data_batch_1: R, G and B planes become interleaved NHWC pixels.
      const r0 = cifarRecord([0], 0).slice(1);
      expect(Array.from(d.train.images.subarray(0, 6))).toEqual([r0[0], r0[1024], r0[2048], r0[1], r0[1025], r0[2049]]);
      expect(d.notes?.join(' ')).toMatch(/read 8 files from cifar-10-binary\.tar\.gz/);
      expect(d.notes?.join(' ')).toMatch(/skipped \(no image records\): cifar-10-binary\.tar\.gz\/cifar-10-batches-bin\/readme\.html/);
      expect(progress.at(-1)).toMatchObject({ loaded: archive.length, total: archive.length, file: 'cifar-10-binary.tar.gz' });
    });

    it('falls back to the TF.js sprite only when the host cannot be reached at all', async () => {
      const rows = 12;
      const png = encodePng(Uint8Array.from({ length: rows * 1024 * 3 }, (_, i) => i % 256), 1024, rows, 3);
      const oneHot = new Uint8Array(rows * 10);
      for (let r = 0; r < rows; r++) oneHot[r * 10 + (r % 10)] = 1;
      const source = { ...CIFAR10, fallback: { ...CIFAR10_SPRITE, trainCount: 10 } };
      const blocked = async (url: string): Promise<Response> => {
        if (url === CIFAR10.archive.url) throw new TypeError('Failed to fetch');
        return new Response((url === CIFAR10_SPRITE.image.url ? png : oneHot) as Uint8Array<ArrayBuffer>);
      };
      const d = await downloadDataset(source, blocked);
      expect([d.train.count, d.test?.count]).toEqual([10, 2]);
      expect(d.notes?.[0]).toBe('cifar-10-binary.tar.gz could not be fetched from www.cs.toronto.edu (Failed to fetch); the same images were fetched from storage.googleapis.com (TF.js learnjs-data bucket) instead');
      // An HTTP error is an answer, not an unreachable host: no fallback.
      const notFound = async (url: string): Promise<Response> => (url === CIFAR10.archive.url ? new Response('', { status: 404, statusText: 'Not Found' }) : blocked(url));
      await expect(downloadDataset(source, notFound)).rejects.toThrow(/^cifar-10-binary\.tar\.gz: the server answered 404 Not Found for https:\/\/www\.cs\.toronto\.edu\//);
    });

    it('refuses a truncated archive by name', async () => {
      const cut = archive.subarray(0, archive.length - 200);
      const err = downloadDataset(CIFAR10, async () => new Response(cut as Uint8Array<ArrayBuffer>));
      await expect(err).rejects.toThrow(/^cifar-10-binary\.tar\.gz: the gzip data is truncated or corrupt/);
    });
  });

  it('passes an abort through unchanged', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const abortable = async (_u: string, init?: RequestInit): Promise<Response> => {
      init?.signal?.throwIfAborted();
      return new Response('');
    };
    await expect(downloadDataset(FASHION_MNIST, abortable, undefined, ctl.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('the production CSP allows exactly the catalogue\'s hosts (fallbacks included) and no other', () => {
    const urls = (d: DownloadSource): string[] => [
      ...(d.format === 'idx' ? Object.values(d.files).map((f) => f.url) : d.format === 'sprite' ? [d.image.url, d.labels.url] : [d.archive.url]),
      ...(d.fallback ? urls(d.fallback) : []),
    ];
    const origins = new Set(DOWNLOAD_SOURCES.flatMap(urls).map((u) => new URL(u).origin));
    expect([...origins].sort()).toEqual([...DATASET_HOSTS].sort());
    expect(contentSecurityPolicy).toContain(`connect-src 'self' ${DATASET_HOSTS.join(' ')};`);
  });

  it('lists built-in, downloads and upload formats in the catalogue', () => {
    expect(DATASET_CATALOGUE.map((e) => (e.kind === 'upload' ? e.format : e.id))).toEqual(['mnist', 'fashion-mnist', 'cifar10', 'idx', 'cifar', 'csv', 'image-folder', 'image-zip']);
  });
});
