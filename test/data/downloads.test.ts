import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CIFAR10_SPRITE, FASHION_MNIST, downloadDataset } from '../../src/data/sources/downloads.ts';
import type { ByteProgress } from '../../src/data/sources/fetch-bytes.ts';
import { DATASET_CATALOGUE } from '../../src/data/sources/sources.ts';
import { encodePng, idxImages, idxLabels } from './make-files.ts';

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

  it('passes an abort through unchanged', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const abortable = async (_u: string, init?: RequestInit): Promise<Response> => {
      init?.signal?.throwIfAborted();
      return new Response('');
    };
    await expect(downloadDataset(FASHION_MNIST, abortable, undefined, ctl.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('lists built-in, downloads and upload formats in the catalogue', () => {
    expect(DATASET_CATALOGUE.map((e) => (e.kind === 'upload' ? e.format : e.id))).toEqual(['mnist', 'fashion-mnist', 'cifar10', 'idx', 'cifar', 'csv', 'image-folder', 'image-zip']);
  });
});
