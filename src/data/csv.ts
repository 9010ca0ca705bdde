// Parser for a CSV of pixels, one image per row plus a label column (Kaggle MNIST, sklearn digits and the like).
import type { Dataset, DatasetSource, ImageShape } from './dataset.ts';
import { DatasetError } from './errors.ts';
import { maybeGunzip } from './gzip.ts';
import { assembleDataset, checkShape, digitClassNames } from './validate.ts';

export interface CsvOptions {
  /** Column index (0-based; negative counts from the end, -1 = last) or header name. */
  labelColumn: number | string;
  /** 'auto': the first row is a header when one of its cells is not a number. */
  header: boolean | 'auto';
  shape: ImageShape;
  /** Largest pixel value in the file (255, 16 for sklearn digits, 1 for 0–1 floats); scaled to 0..255. Default 255. */
  maxValue?: number;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function cells(line: string): string[] {
  return line.split(',').map((c) => {
    const t = c.trim();
    return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
  });
}

function labelIndex(opt: number | string, header: string[] | null, columns: number, file: string): number {
  if (typeof opt === 'string') {
    if (!header) throw new DatasetError(file, `label column "${opt}" is named, but the file has no header row`);
    const i = header.indexOf(opt);
    if (i < 0) throw new DatasetError(file, `no column named "${opt}" in the header (columns: ${header.slice(0, 5).join(', ')}${header.length > 5 ? ', …' : ''})`);
    return i;
  }
  const i = opt < 0 ? columns + opt : opt;
  if (!Number.isInteger(opt) || i < 0 || i >= columns) throw new DatasetError(file, `label column ${opt} does not exist (the rows have ${columns} columns)`);
  return i;
}

/** Numeric labels 0..255 stay as they are; otherwise each distinct label text becomes a class, sorted. */
function labelsToClasses(raw: string[], file: string): { labels: Uint8Array; classNames: string[] } {
  const numeric = raw.every((s) => /^\d+$/.test(s) && Number(s) <= 255);
  if (numeric) {
    const labels = Uint8Array.from(raw, Number);
    return { labels, classNames: digitClassNames(labels.reduce((m, l) => Math.max(m, l), 0) + 1) };
  }
  const names = [...new Set(raw)].sort();
  if (names.length > 256) throw new DatasetError(file, `${names.length} distinct labels; at most 256 classes are supported`);
  const index = new Map(names.map((n, i) => [n, i]));
  return { labels: Uint8Array.from(raw, (s) => index.get(s) ?? 0), classNames: names };
}

function splitLines(bytes: Uint8Array): string[] {
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  return text.split(/\r?\n/);
}

interface Parsed {
  images: Uint8Array;
  rawLabels: string[];
}

function parseRows(lines: string[], first: number, label: number, columns: number, header: string[] | null, opts: CsvOptions, file: string): Parsed {
  const per = opts.shape.height * opts.shape.width * opts.shape.channels;
  const rows = lines.length - first;
  const images = new Uint8Array(rows * per);
  const rawLabels: string[] = [];
  const scale = 255 / (opts.maxValue ?? 255);
  for (let r = first; r < lines.length; r++) {
    const line = lines[r] ?? '';
    if (line.trim() === '') continue;
    const row = cells(line);
    if (row.length !== columns) throw new DatasetError(file, `row ${r + 1} has ${row.length} columns, expected ${columns}`);
    const base = rawLabels.length * per;
    rawLabels.push(row[label] ?? '');
    let k = 0;
    for (let c = 0; c < columns; c++) {
      if (c === label) continue;
      const cell = row[c] ?? '';
      const v = NUMBER.test(cell) ? Number(cell) : NaN;
      const col = header ? `column ${c + 1} ("${header[c]}")` : `column ${c + 1}`;
      if (Number.isNaN(v)) throw new DatasetError(file, `row ${r + 1}, ${col}: "${cell.slice(0, 20)}" is not a number`);
      const scaled = Math.round(v * scale);
      if (scaled < 0 || scaled > 255) throw new DatasetError(file, `row ${r + 1}, ${col}: value ${cell} is out of range (expected 0..${opts.maxValue ?? 255})`);
      images[base + k++] = scaled;
    }
  }
  const used = rawLabels.length * per;
  return { images: used === images.length ? images : images.slice(0, used), rawLabels };
}

/** Parses CSV bytes (raw or gzipped) into a Dataset with a training split only. */
export function parseCsv(data: Uint8Array, options: CsvOptions, meta: { id: string; name: string; source: DatasetSource }): Dataset {
  const file = meta.name;
  checkShape(options.shape, file);
  if (options.maxValue !== undefined && !(options.maxValue > 0)) throw new DatasetError(file, `maxValue must be positive, got ${options.maxValue}`);
  const lines = splitLines(maybeGunzip(data, file));
  while (lines.length > 0 && (lines[lines.length - 1] ?? '').trim() === '') lines.pop();
  const firstRow = cells(lines[0] ?? '');
  if (lines.length === 0 || firstRow.every((c) => c === '')) throw new DatasetError(file, 'the CSV file is empty');
  const hasHeader = options.header === 'auto' ? firstRow.some((c) => !NUMBER.test(c)) : options.header;
  const header = hasHeader ? firstRow : null;
  const columns = firstRow.length;
  const per = options.shape.height * options.shape.width * options.shape.channels;
  if (columns !== per + 1) {
    throw new DatasetError(file, `rows have ${columns} columns, but a ${options.shape.height}×${options.shape.width}×${options.shape.channels} image plus a label needs ${per + 1}`);
  }
  const label = labelIndex(options.labelColumn, header, columns, file);
  const { images, rawLabels } = parseRows(lines, hasHeader ? 1 : 0, label, columns, header, options, file);
  if (rawLabels.length === 0) throw new DatasetError(file, 'the CSV file has a header but no data rows');
  const { labels, classNames } = labelsToClasses(rawLabels, file);
  return assembleDataset({ ...meta, shape: options.shape, classNames, train: { images, labels, count: labels.length }, test: null });
}
