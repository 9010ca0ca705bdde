import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { entriesFromZip, loadImageFolder, rgbaToPixels, type ImageDecoder } from '../../../src/data/formats/image-folder.ts';
import { groupImagePaths } from '../../../src/data/formats/image-folder-layout.ts';

describe('image folder layout', () => {
  it('groups by parent folder, ignores non-images and hidden files', () => {
    const l = groupImagePaths(['pets/dog/1.png', 'pets/cat/a.JPG', 'pets/cat/.DS_Store', 'pets/dog/notes.txt', '__MACOSX/pets/cat/._a.jpg', 'pets/cat/b.webp']);
    expect(l.classNames).toEqual(['cat', 'dog']);
    expect(l.train).toEqual([{ path: 'pets/dog/1.png', label: 1 }, { path: 'pets/cat/a.JPG', label: 0 }, { path: 'pets/cat/b.webp', label: 0 }]);
    expect(l.test).toBeNull();
    expect(l.ignored).toHaveLength(3);
  });

  it('uses train/ and test/ folders as splits', () => {
    const l = groupImagePaths(['d/train/a/1.png', 'd/train/b/2.png', 'd/test/b/3.png']);
    expect(l.train.map((p) => p.label)).toEqual([0, 1]);
    expect(l.test).toEqual([{ path: 'd/test/b/3.png', label: 1 }]);
    expect(() => groupImagePaths(['train/a/1.png', 'train/b/2.png', 'test/c/3.png'])).toThrow(/class "c" appears in the test folder/);
  });

  it('refuses empty classes, a single class, loose and nested images', () => {
    expect(() => groupImagePaths(['a/', 'b/', 'c/', 'a/1.png', 'b/1.png'])).toThrow(/class folder "c\/" contains no images/);
    expect(() => groupImagePaths(['only/1.png', 'only/2.png'])).toThrow(/only one class \(only\)/);
    expect(() => groupImagePaths(['1.png', 'a/2.png'], 'up')).toThrow(/not inside a class folder/);
    expect(() => groupImagePaths(['a/1.png', 'b/x/2.png'])).toThrow(/^b\/x\/2\.png: this image is 2 folders deep/);
    expect(() => groupImagePaths(['readme.md'], 'up')).toThrow(/^up: no images found/);
  });
});

describe('image folder decoding', () => {
  it('converts RGBA to grayscale or RGB', () => {
    const out = new Uint8Array(5);
    rgbaToPixels([255, 255, 255, 0, 100, 0, 0, 255], 1, out, 1);
    expect(Array.from(out)).toEqual([0, 255, 30, 0, 0]);
    const rgb = new Uint8Array(3);
    rgbaToPixels([1, 2, 3, 255], 3, rgb, 0);
    expect(Array.from(rgb)).toEqual([1, 2, 3]);
    // Transparency is composited on white: alpha 4 of 255 leaves the pixel almost white.
    rgbaToPixels([1, 2, 3, 4], 3, rgb, 0);
    expect(Array.from(rgb)).toEqual([251, 251, 251]);
    rgbaToPixels([0, 0, 0, 0, 0, 0, 0, 128], 1, out, 0);
    expect(Array.from(out.subarray(0, 2))).toEqual([255, 127]);
  });

  // A fake decoder: the "image" is one byte, painted over every RGB channel, so labels and order can be checked.
  const fake: ImageDecoder = async (blob, { width, height }) => {
    const [v = 0] = new Uint8Array(await blob.arrayBuffer());
    if (v === 99) throw new Error('broken image');
    return Uint8Array.from({ length: width * height * 4 }, (_, i) => (i % 4 === 3 ? 255 : v));
  };

  it('loads a zip of class folders with a fake decoder, reporting progress', async () => {
    const zip = zipSync({ 'cat/': {}, 'cat/a.png': new Uint8Array([10]), 'dog/b.png': new Uint8Array([20]), 'dog/c.png': new Uint8Array([30]), 'dog/x.txt': new Uint8Array([1]) });
    const progress: number[] = [];
    const d = await loadImageFolder(entriesFromZip(zip, 'pets.zip'), { id: 'p', name: 'pets.zip', height: 2, width: 2, channels: 3 }, fake, (done) => progress.push(done));
    expect(d.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(d.train.labels)).toEqual([0, 1, 1]);
    expect(Array.from(d.train.images.subarray(0, 12))).toEqual(new Array(12).fill(10));
    expect(d.train.images[12]).toBe(20);
    expect(progress).toEqual([1, 2, 3]);
  });

  it('names an undecodable image, refuses a dataset too big, and a file that is not a zip', async () => {
    const entries = [{ path: 'a/1.png', blob: new Blob([new Uint8Array([1])]) }, { path: 'b/bad.png', blob: new Blob([new Uint8Array([99])]) }];
    const opts = { id: 'x', name: 'x', height: 4, width: 4, channels: 1 as const };
    // An undecodable image is skipped and listed; a class left with no images is refused by name.
    await expect(loadImageFolder(entries, opts, fake)).rejects.toThrow(/^x: class "b" has no training images left: none of its images could be decoded: b\/bad\.png \(broken image\)/);
    const more = [...entries, { path: 'b/2.png', blob: new Blob([new Uint8Array([2])]) }];
    const d = await loadImageFolder(more, opts, fake);
    expect(d.train.count).toBe(2);
    expect(d.notes).toContain('1 image could not be decoded and was skipped: b/bad.png (broken image)');
    await expect(loadImageFolder(entries, { ...opts, limits: { maxDatasetBytes: 10 } }, fake)).rejects.toThrow(/more than the/);
    expect(() => entriesFromZip(new Uint8Array([1, 2, 3, 4, 5]), 'no.zip')).toThrow(/^no\.zip: not a readable zip/);
  });
});
