// The pure part of image-folder uploads: turning relative paths (class/xxx.png, optionally under split folders
// such as train/, valid/ and test/) into classes and splits, and refusing layouts that cannot train a classifier.
import { DatasetError } from '../errors.ts';

export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'bmp', 'webp'] as const;

export interface LabelledPath {
  path: string;
  label: number;
}

export interface FolderLayout {
  classNames: string[];
  train: LabelledPath[];
  /** Present when the images sit under split folders and one of them is a test folder. */
  test: LabelledPath[] | null;
  /** Present when the images sit under split folders and one of them is a validation folder (valid/, val/, …). */
  valid: LabelledPath[] | null;
  /** Files that were skipped: hidden files, macOS metadata, anything that is not an image. */
  ignored: string[];
}

export type SplitName = 'train' | 'valid' | 'test';

/** Folder names (compared in lower case) that mean a split, as the common dataset layouts spell them. */
export const SPLIT_NAMES: Readonly<Record<string, SplitName>> = {
  train: 'train', training: 'train', trn: 'train', 'train_set': 'train', 'training_set': 'train', trainset: 'train',
  valid: 'valid', val: 'valid', validation: 'valid', validate: 'valid', dev: 'valid', 'valid_set': 'valid', 'validation_set': 'valid',
  test: 'test', testing: 'test', tst: 'test', 'test_set': 'test', testset: 'test', eval: 'test', evaluation: 'test',
};

export function splitOfFolder(name: string): SplitName | undefined {
  return SPLIT_NAMES[name.toLowerCase().replace(/[\s-]+/g, '_')];
}

function segments(path: string): string[] {
  return path.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
}

function isHidden(parts: string[]): boolean {
  return parts.some((p) => p.startsWith('.') || p === '__MACOSX' || p === 'Thumbs.db');
}

export function isImagePath(path: string): boolean {
  const ext = path.split('.').pop()?.toLowerCase() ?? '';
  return path.includes('.') && (IMAGE_EXTENSIONS as readonly string[]).includes(ext);
}

interface Found {
  path: string;
  parts: string[];
}

function classDepth(images: Found[], file: string): number {
  const first = images[0];
  if (!first) throw new DatasetError(file, `no images found (expected ${IMAGE_EXTENSIONS.join(', ')} files inside one folder per class)`);
  const depth = first.parts.length - 1;
  const top = images.find((f) => f.parts.length < 2);
  if (top) throw new DatasetError(top.path, 'this image is not inside a class folder; put each class in its own folder (class/image.png)');
  const odd = images.find((f) => f.parts.length - 1 !== depth);
  if (odd) throw new DatasetError(odd.path, `this image is ${odd.parts.length - 1} folders deep but ${first.path} is ${depth}; every image must sit directly in its class folder`);
  return depth;
}

/**
 * Groups paths into classes: an image's class is its folder's name. When every image sits one level below a
 * split folder (train/, valid/, val/, test/ and their variants, see SPLIT_NAMES), those folders are the splits:
 * test and validation images are never merged into training and split names never become classes. Paths
 * ending in "/" are folders (a zip lists them), so a class folder with no image in it is reported as empty.
 */
export function groupImagePaths(paths: readonly string[], file = 'image folder'): FolderLayout {
  const ignored: string[] = [];
  const images: Found[] = [];
  const folders: Found[] = [];
  for (const path of paths) {
    const parts = segments(path);
    if (parts.length === 0) continue;
    if (path.endsWith('/')) folders.push({ path, parts });
    else if (isHidden(parts) || !isImagePath(path)) ignored.push(path);
    else images.push({ path, parts });
  }
  const depth = classDepth(images, file);
  const splitOf = (f: Found): SplitName | undefined => (depth >= 2 ? splitOfFolder(f.parts[depth - 2] ?? '') : undefined);
  const useSplits = images.every((f) => splitOf(f) !== undefined);
  const classOf = (f: Found): string => f.parts[depth - 1] ?? '';
  if (useSplits && !images.some((f) => splitOf(f) === 'train')) {
    throw new DatasetError(file, `found ${[...new Set(images.map((f) => f.parts[depth - 2]))].map((n) => `${n}/`).join(' and ')} but no training folder (train/); the classes are learned from train/`);
  }
  const asClass = images.map(classOf).find((c) => splitOfFolder(c) !== undefined);
  if (!useSplits && asClass !== undefined) {
    throw new DatasetError(file, `"${asClass}" is a split folder, not a class: put one folder per class inside each split folder (${asClass}/cat/1.png)`);
  }
  const classNames = [...new Set(images.filter((f) => !useSplits || splitOf(f) === 'train').map(classOf))].sort();
  const emptyFolders = folders.filter((f) => f.parts.length === depth && !isHidden(f.parts) && !images.some((i) => classOf(i) === classOf(f)));
  if (emptyFolders.length > 0) throw new DatasetError(file, `class folder${emptyFolders.length > 1 ? 's' : ''} ${emptyFolders.map((f) => `"${f.path}"`).join(', ')} contain${emptyFolders.length > 1 ? '' : 's'} no images`);
  if (classNames.length < 2) throw new DatasetError(file, `found only one class (${classNames[0] ?? 'none'}); a classifier needs at least 2 class folders`);
  if (classNames.length > 256) throw new DatasetError(file, `${classNames.length} class folders; at most 256 classes are supported`);
  const index = new Map(classNames.map((c, i) => [c, i]));
  const label = (f: Found): LabelledPath => {
    const l = index.get(classOf(f));
    if (l === undefined) throw new DatasetError(f.path, `class "${classOf(f)}" appears in the ${splitOf(f) ?? 'test'} folder but not in the training folder`);
    return { path: f.path, label: l };
  };
  if (!useSplits) return { classNames, train: images.map(label), test: null, valid: null, ignored };
  const of = (s: SplitName): LabelledPath[] => images.filter((f) => splitOf(f) === s).map(label);
  const test = of('test');
  const valid = of('valid');
  return { classNames, train: of('train'), test: test.length > 0 ? test : null, valid: valid.length > 0 ? valid : null, ignored };
}
