// Upload import as the dataset worker runs it: IDX files (raw and gzipped) become a stored dataset with a
// preview; a malformed file is refused with the parser's message and leaves the stored datasets untouched.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { listDatasets } from '../../../src/persistence/repositories/dataset-repo.ts';
import { importDownload, importUpload, parseUpload, previewStored, type UploadRequest } from '../../../src/runtime/datasets/dataset-import.ts';
import { freshDb } from '../../persistence/persistence-fixtures.ts';
import { cifarFile, cifarRecord, idxImages, idxLabels, tarArchive } from '../../data/make-files.ts';

const labels = Array.from({ length: 30 }, (_, i) => i % 3);
const file = (path: string, bytes: Uint8Array): { path: string; file: Blob } => ({ path, file: new Blob([bytes as Uint8Array<ArrayBuffer>]) });
const req = (files: { path: string; file: Blob }[], id = 'upload-a'): UploadRequest => ({ id, name: 'Little digits', files, options: { format: 'idx' } });

describe('importUpload', () => {
  it('stores gzipped IDX uploads in either order and previews counts and examples per class', async () => {
    const { db } = await freshDb();
    const summary = await importUpload(db, req([file('labels-idx1-ubyte.gz', gzipSync(idxLabels(labels))), file('images-idx3-ubyte.gz', gzipSync(idxImages(30, 6, 5)))]));
    expect(summary).toMatchObject({ id: 'upload-a', numClasses: 3, trainCount: 30, testCount: 0, shape: { height: 6, width: 5, channels: 1 } });
    const preview = await previewStored(db, 'upload-a', 2);
    expect(preview.trainPerClass).toEqual([10, 10, 10]);
    expect(preview.examples.map((e) => e.label)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(preview.examples[0]?.pixels.length).toBe(30);
  });

  it('stores CIFAR-10 uploaded as its authors publish it, cifar-10-binary.tar.gz, with the archive\'s class names', async () => {
    const { db } = await freshDb();
    const batch = (first: number): Uint8Array => cifarFile(Array.from({ length: 10 }, (_, i) => cifarRecord([i], first + i)));
    const names = 'plane\ncar\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n';
    const archive = gzipSync(tarArchive([
      { name: 'cifar-10-batches-bin/' },
      { name: 'cifar-10-batches-bin/batches.meta.txt', bytes: new TextEncoder().encode(names) },
      { name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: batch(0) },
      { name: 'cifar-10-batches-bin/data_batch_2.bin', bytes: batch(10) },
      { name: 'cifar-10-batches-bin/test_batch.bin', bytes: batch(20) },
    ]));
    const upload: UploadRequest = { id: 'upload-cifar', name: 'CIFAR-10', files: [file('cifar-10-binary.tar.gz', archive)], options: { format: 'cifar', cifar: { variant: 'auto' } } };
    const summary = await importUpload(db, upload);
    expect(summary).toMatchObject({ id: 'upload-cifar', trainCount: 20, testCount: 10, numClasses: 10, shape: { height: 32, width: 32, channels: 3 } });
    expect(summary.classNames[9]).toBe('truck');
    expect(summary.notes?.join(' ')).toMatch(/read 4 files from cifar-10-binary\.tar\.gz/);
    const cut = { ...upload, id: 'upload-cut', files: [file('cifar-10-binary.tar.gz', gzipSync(tarArchive([{ name: 'data_batch_1.bin', bytes: batch(0) }]).subarray(0, 5000)))] };
    await expect(importUpload(db, cut)).rejects.toThrow(/^cifar-10-binary\.tar\.gz: the tar archive is truncated: data_batch_1\.bin announces 30730 bytes but only 4488 are present/);
    expect((await listDatasets(db)).records.map((d) => d.id)).toEqual(['upload-cifar']);
  });

  it('uses file names to find the test pair of a four-file upload', async () => {
    const ds = await parseUpload(req([
      file('train-images', idxImages(30, 4, 4)), file('train-labels', idxLabels(labels)),
      file('t10k-images', idxImages(6, 4, 4)), file('t10k-labels', idxLabels([0, 1, 2, 0, 1, 2])),
    ]));
    expect([ds.train.count, ds.test?.count]).toEqual([30, 6]);
  });

  it('refuses a malformed file with the parser message and keeps what was stored', async () => {
    const { db } = await freshDb();
    await importUpload(db, req([file('i', idxImages(30, 4, 4)), file('l', idxLabels(labels))], 'kept'));
    const truncated = idxImages(30, 4, 4).slice(0, 100);
    await expect(importUpload(db, req([file('bad-images.idx3', truncated), file('l', idxLabels(labels))], 'bad'))).rejects.toThrow(/^bad-images\.idx3: truncated/);
    await expect(importUpload(db, req([file('only-one', idxLabels(labels))], 'bad'))).rejects.toThrow(/2 files/);
    expect((await listDatasets(db)).records.map((d) => d.id)).toEqual(['kept']);
  });

  it('refuses a dataset too large for the device from its header, before reading the rest', async () => {
    // The header announces 2 million 64×64 images (8 GiB) but the file holds only the header: the size check
    // must speak first, so the refusal cannot have come from reading (and finding the file truncated).
    const header = new Uint8Array(16);
    const view = new DataView(header.buffer);
    [0x0803, 2_000_000, 64, 64].forEach((v, i) => view.setUint32(i * 4, v));
    const limits = { maxDatasetBytes: 64 * 1024 ** 2 };
    await expect(parseUpload(req([file('huge-images.idx3', header), file('l', idxLabels(labels))]), undefined, undefined, limits))
      .rejects.toThrow(/huge-images.idx3: the dataset needs about 7814\.\d MiB in memory, more than the 64\.0 MiB/);
    const cifar = { ...req([file('data_batch_1.bin', new Uint8Array(3073 * 30))]), options: { format: 'cifar' as const, cifar: {} } };
    await expect(parseUpload(cifar, undefined, undefined, { maxDatasetBytes: 3073 * 10 })).rejects.toThrow(/more than the/);
  });

  it('a blocked download says so and points to upload', async () => {
    const { db } = await freshDb();
    const blocked = (): Promise<Response> => Promise.reject(new TypeError('Failed to fetch'));
    await expect(importDownload(db, 'fashion-mnist', undefined, blocked)).rejects.toThrow(/Upload/);
    await expect(importDownload(db, 'nope')).rejects.toThrow(/fashion-mnist/);
  });
});
