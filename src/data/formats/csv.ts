// Parser for a CSV of pixels, one image per row plus a label column (Kaggle MNIST, sklearn digits, what pandas
// writes and the like). Rows are split by papaparse (RFC 4180 quoting, any of , ; tab | as delimiter); this
// file decides what the cells mean: whether the first row is a header, the image shape, the pixel range.
import Papa from 'papaparse';
import type { Dataset, DatasetSource, ImageShape } from '../dataset.ts';
import { DatasetError } from '../errors.ts';
import { maybeGunzip } from './gzip.ts';
import { assembleDataset, checkShape, classesFromNumericLabels } from '../validate.ts';

export interface CsvOptions {
  /**
   * Column index (0-based; negative counts from the end, -1 = last), header name, or 'auto': with a header row,
   * the column named label, class, target or y (any case; see LABEL_NAMES), else the first column.
   */
  labelColumn: number | string | 'auto';
  /** 'auto': the first row is a header when its content says so (see isHeaderRow). */
  header: boolean | 'auto';
  /** Omitted or 'auto': inferred from the column count where only one square shape fits (see inferShape). */
  shape?: ImageShape | 'auto';
  /**
   * Largest pixel value in the file, scaled to 255 (255; 16 for sklearn digits; 1 for 0..1 floats; 65535 for
   * 16-bit). Omitted or 'auto': detected from the data (see detectMaxValue).
   */
  maxValue?: number | 'auto';
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function isNumber(cell: string): boolean {
  return NUMBER.test(cell.trim());
}

/**
 * Calls `onRow(cells, rowNumber)` for every non-empty row (rowNumber counts from 1, as a spreadsheet does).
 * papaparse handles quoting (a quoted cell may hold the delimiter, quotes and line breaks) and guesses the
 * delimiter; a malformed row (an unclosed quote) is refused with its row number.
 */
function eachRow(text: string, file: string, onRow: (cells: string[], row: number) => void): void {
  let row = 0;
  let failure: unknown = null;
  Papa.parse<string[]>(text, {
    delimiter: '',
    skipEmptyLines: 'greedy',
    step: (result, parser) => {
      if (failure) return;
      row++;
      try {
        const err = result.errors.find((e) => e.type === 'Quotes');
        if (err) throw new DatasetError(file, `row ${row}: ${err.message.toLowerCase()}`);
        onRow(result.data.map((c) => c.trim()), row);
      } catch (e) {
        failure = e;
        parser.abort();
      }
    },
  });
  if (failure) throw failure;
}

/** Header names taken as the label column when it is 'auto' (compared without case or surrounding spaces). */
export const LABEL_NAMES = ['label', 'class', 'target', 'y'] as const;

/** Index of the first cell named as a label column (LABEL_NAMES), or -1. */
function namedLabel(cells: readonly string[]): number {
  return cells.findIndex((c) => (LABEL_NAMES as readonly string[]).includes(c.trim().toLowerCase()));
}

/** The label column chosen, and why (for the notes and the upload form's preview). */
export interface LabelChoice {
  /** 0-based column index. */
  index: number;
  /** Its header name, or null with no header. */
  name: string | null;
  /** 'named': found by its header name under 'auto'; 'default': 'auto' with no such name, so the first column; 'chosen': given. */
  how: 'named' | 'default' | 'chosen';
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

/**
 * Whether the first row is a header, judged by its content: a cell that is not a number outside the label
 * column (`label,p0,p1,…`); the column numbers 0..n-1 or 1..n (what pandas writes for an unnamed frame); a
 * text label over numeric labels in the next row. A row of text labels and numbers (`cat,0,0,0`) is data.
 */
export function isHeaderRow(first: readonly string[], second: readonly string[] | undefined, label: number | string): { header: boolean; why: string } {
  if (label === 'auto') {
    const named = namedLabel(first);
    return isHeaderRow(first, second, named >= 0 ? named : 0);
  }
  if (typeof label === 'string') return { header: true, why: `the label column is named "${label}"` };
  const li = label < 0 ? first.length + label : label;
  const text = first.findIndex((c, i) => i !== li && !isNumber(c));
  if (text >= 0) return { header: true, why: `its cell "${(first[text] ?? '').slice(0, 20)}" is not a number` };
  const from0 = first.every((c, i) => Number(c) === i);
  const from1 = first.every((c, i) => Number(c) === i + 1);
  if (first.length > 2 && (from0 || from1)) return { header: true, why: `it holds the column numbers ${from0 ? 0 : 1}..${first.length - (from0 ? 1 : 0)}` };
  const l1 = first[li] ?? '';
  const l2 = second?.[li];
  if (!isNumber(l1) && l2 !== undefined && isNumber(l2)) return { header: true, why: `its label "${l1.slice(0, 20)}" is text while the labels below are numbers` };
  return { header: false, why: '' };
}

/** The one square image shape (h×h gray or h×h×3 RGB) with `pixels` values, or null when none fits. */
export function inferShape(pixels: number): ImageShape | null {
  const side = (n: number): number | null => {
    const s = Math.round(Math.sqrt(n));
    return s >= 1 && s * s === n ? s : null;
  };
  const gray = side(pixels);
  // h² and 3k² cannot both equal the same n > 0 (√3 is irrational), so at most one shape fits.
  if (gray !== null) return { height: gray, width: gray, channels: 1 };
  const rgb = pixels % 3 === 0 ? side(pixels / 3) : null;
  if (rgb !== null) return { height: rgb, width: rgb, channels: 3 };
  return null;
}

export interface PixelRange {
  min: number;
  max: number;
  /** Where the smallest and largest values are, as "row R, column C" (for messages). */
  minAt?: string;
  maxAt?: string;
  /** Some value has a fractional part. */
  fractions: boolean;
}

/**
 * The pixel scale that fits the data: 1 (0..1 floats or binary images), 16 (sklearn's 8×8 digits: integers
 * 0..16), 255 (bytes), 65535 (16-bit). Throws for negative values or values above 65535.
 */
export function detectMaxValue(range: PixelRange, file: string): number {
  if (range.min < 0) throw new DatasetError(file, `${range.minAt ? `${range.minAt}: ` : ''}value ${range.min} is out of range: pixels must be 0 or more (standardised data cannot be used as is)`);
  if (range.max <= 1) return 1;
  if (range.max <= 16 && !range.fractions) return 16;
  if (range.max <= 255) return 255;
  if (range.max <= 65535) return 65535;
  throw new DatasetError(file, `${range.maxAt ? `${range.maxAt}: ` : ''}value ${range.max} is out of range: larger than any image format's (at most 65535, 16-bit)`);
}

function rangeNote(maxValue: number, range: PixelRange): string {
  const kind = { 1: '0..1 values', 16: 'integers 0..16 (as in sklearn digits)', 255: '0..255 values', 65535: '16-bit values' }[maxValue] ?? `0..${maxValue}`;
  return `pixel range detected from the data: ${kind} (largest value ${range.max}), scaled to 0..255`;
}

interface Scan {
  header: string[] | null;
  headerWhy: string;
  label: LabelChoice;
  /** Distinct label texts seen (at most MAX_LABELS + 1 kept). */
  labels: Set<string>;
  columns: number;
  rows: number;
  range: PixelRange;
}

/** At most this many classes (labels are stored as uint8). */
const MAX_LABELS = 256;

/** The label column for `opt` ('auto': a header cell named in LABEL_NAMES, else the first column). */
function chooseLabel(opt: CsvOptions['labelColumn'], header: string[] | null, columns: number, file: string): LabelChoice {
  if (opt === 'auto') {
    const named = header ? namedLabel(header) : -1;
    const index = named >= 0 ? named : 0;
    return { index, name: header?.[index] ?? null, how: named >= 0 ? 'named' : 'default' };
  }
  const index = labelIndex(opt, header, columns, file);
  return { index, name: header?.[index] ?? null, how: 'chosen' };
}

/** "column 65 ("label")" */
export function labelColumnWords(l: LabelChoice): string {
  return `column ${l.index + 1}${l.name !== null ? ` (“${l.name}”)` : ''}`;
}

/** First pass: header, column count (every row the same), row count and the pixel values' range. */
function scan(text: string, opts: CsvOptions, file: string): Scan {
  let first: string[] | null = null;
  let decided: { header: string[] | null; why: string; label: LabelChoice } | null = null;
  let rows = 0;
  const labels = new Set<string>();
  const range: PixelRange = { min: Infinity, max: -Infinity, fractions: false };
  const take = (cells: string[], row: number, label: number, header: string[] | null): void => {
    rows++;
    if (labels.size <= MAX_LABELS) labels.add(cells[label] ?? '');
    for (let c = 0; c < cells.length; c++) {
      if (c === label) continue;
      const cell = cells[c] ?? '';
      const v = isNumber(cell) ? Number(cell) : NaN;
      if (!Number.isFinite(v)) {
        const col = header ? `column ${c + 1} ("${header[c]}")` : `column ${c + 1}`;
        throw new DatasetError(file, `row ${row}, ${col}: "${cell.slice(0, 20)}" is not a number`);
      }
      if (v < range.min) {
        range.min = v;
        range.minAt = `row ${row}, ${header ? `column ${c + 1} ("${header[c]}")` : `column ${c + 1}`}`;
      }
      if (v > range.max) {
        range.max = v;
        range.maxAt = `row ${row}, ${header ? `column ${c + 1} ("${header[c]}")` : `column ${c + 1}`}`;
      }
      if (!range.fractions && !Number.isInteger(v)) range.fractions = true;
    }
  };
  const decide = (second: string[] | undefined): NonNullable<typeof decided> => {
    const f = first ?? [];
    const auto = opts.header === 'auto' ? isHeaderRow(f, second, opts.labelColumn) : { header: opts.header, why: '' };
    const header = auto.header ? f : null;
    return { header, why: auto.why, label: chooseLabel(opts.labelColumn, header, f.length, file) };
  };
  eachRow(text, file, (cells, row) => {
    if (first === null) {
      first = cells;
      return;
    }
    if (cells.length !== first.length) throw new DatasetError(file, `row ${row} has ${cells.length} columns, expected ${first.length} (as in row 1)`);
    if (decided === null) {
      decided = decide(cells);
      if (!decided.header) take(first, 1, decided.label.index, null);
    }
    take(cells, row, decided.label.index, decided.header);
  });
  const firstRow: string[] | null = first;
  if (firstRow === null) throw new DatasetError(file, 'the CSV file is empty');
  if (decided === null) {
    // A single row: a header with no data, or one example.
    decided = decide(undefined);
    if (!decided.header) take(firstRow, 1, decided.label.index, null);
  }
  const d: { header: string[] | null; why: string; label: LabelChoice } = decided;
  return { header: d.header, headerWhy: d.why, label: d.label, labels, columns: (firstRow as string[]).length, rows, range };
}

function resolveShape(opt: CsvOptions['shape'], columns: number, file: string): { shape: ImageShape; inferred: boolean } {
  const pixels = columns - 1;
  const inferred = inferShape(pixels);
  if (opt === undefined || opt === 'auto') {
    if (!inferred) throw new DatasetError(file, `rows have ${columns} columns: ${pixels} pixel values plus a label fit no square image (h×h gray or h×h×3 RGB); give the image height, width and channels`);
    return { shape: inferred, inferred: true };
  }
  checkShape(opt, file);
  const per = opt.height * opt.width * opt.channels;
  if (columns !== per + 1) {
    const hint = inferred ? ` (${pixels} pixel values fit ${inferred.height}×${inferred.width}×${inferred.channels})` : '';
    throw new DatasetError(file, `rows have ${columns} columns, but a ${opt.height}×${opt.width}×${opt.channels} image plus a label needs ${per + 1}${hint}`);
  }
  return { shape: opt, inferred: false };
}

function resolveMaxValue(opt: CsvOptions['maxValue'], range: PixelRange, file: string): { maxValue: number; note: string | null } {
  if (opt === undefined || opt === 'auto') {
    const maxValue = detectMaxValue(range, file);
    return { maxValue, note: rangeNote(maxValue, range) };
  }
  if (!(opt > 0)) throw new DatasetError(file, `the largest pixel value must be positive, got ${opt}`);
  if (range.min < 0 || range.max > opt) {
    const [bad, at] = range.min < 0 ? [range.min, range.minAt] : [range.max, range.maxAt];
    throw new DatasetError(file, `${at ? `${at}: ` : ''}value ${bad} is out of range (expected 0..${opt}); set the largest pixel value to match the data, or let it be detected`);
  }
  if (range.max <= 1 && range.fractions && opt > 1) {
    throw new DatasetError(file, `the pixel values run from ${range.min} to ${range.max} with fractions, but the largest pixel value is set to ${opt}: every image would be black; set it to 1 (or let it be detected)`);
  }
  const note = range.max * 8 <= opt
    ? `the largest pixel value is set to ${opt} but the data only reach ${range.max}, so the images are dark; the data look like 0..${detectMaxValue(range, file)}`
    : null;
  return { maxValue: opt, note };
}

/** Second pass: pixels scaled to 0..255 (rounded) and the raw label texts. */
function fill(text: string, s: Scan, label: number, per: number, maxValue: number, file: string): { images: Uint8Array; rawLabels: string[] } {
  const images = new Uint8Array(s.rows * per);
  const rawLabels: string[] = [];
  const scale = 255 / maxValue;
  let skip = s.header !== null;
  eachRow(text, file, (cells) => {
    if (skip) {
      skip = false;
      return;
    }
    let at = rawLabels.length * per;
    rawLabels.push(cells[label] ?? '');
    for (let c = 0; c < cells.length; c++) if (c !== label) images[at++] = Math.round(Number(cells[c]) * scale);
  });
  return { images, rawLabels };
}

/** Numeric labels become classes named by their values; text labels become classes in sorted order. */
function labelsToClasses(raw: string[], file: string): { labels: Uint8Array; classNames: string[]; note: string | null } {
  const numeric = raw.every((s) => /^\d+$/.test(s) && Number(s) <= 255);
  if (numeric) {
    const labels = Uint8Array.from(raw, Number);
    const { classNames, note } = classesFromNumericLabels([labels]);
    return { labels, classNames, note };
  }
  const names = [...new Set(raw)].sort();
  if (names.length > 256) throw new DatasetError(file, `${names.length} distinct labels; at most 256 classes are supported`);
  const empty = raw.findIndex((s) => s === '');
  if (empty >= 0) throw new DatasetError(file, `data row ${empty + 1} has an empty label`);
  const index = new Map(names.map((n, i) => [n, i]));
  return { labels: Uint8Array.from(raw, (s) => index.get(s) ?? 0), classNames: names, note: `text labels are classes in sorted order: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}` };
}

/**
 * Parses CSV bytes (UTF-8, optionally with a BOM; raw or gzipped) into a Dataset with a training split only:
 * pixels as uint8 NHWC (scaled from the file's range to 0..255), labels as class indices. The Dataset's notes
 * say what was inferred (header, shape, range, label mapping). Throws DatasetError naming `file`.
 */
export function parseCsv(data: Uint8Array, options: CsvOptions, meta: { id: string; name: string; source: DatasetSource }, file: string = meta.name): Dataset {
  // TextDecoder drops a UTF-8 byte order mark.
  const text = new TextDecoder('utf-8').decode(maybeGunzip(data, file));
  const s = scan(text, options, file);
  if (s.rows === 0) throw new DatasetError(file, 'the file has a header row but no data rows');
  const { shape, inferred } = resolveShape(options.shape, s.columns, file);
  const { maxValue, note: rangeNoteText } = resolveMaxValue(options.maxValue, s.range, file);
  const label = s.label.index;
  const per = shape.height * shape.width * shape.channels;
  const { images, rawLabels } = fill(text, s, label, per, maxValue, file);
  const { labels, classNames, note: labelNote } = labelsToClasses(rawLabels, file);
  const notes: string[] = [];
  if (s.header) notes.push(`the first row was read as a header: ${s.headerWhy || 'as chosen'}`);
  if (s.label.how !== 'chosen') notes.push(`the label is ${labelColumnWords(s.label)}${s.label.how === 'named' ? ', found by its header name' : `: no header cell is named ${LABEL_NAMES.join(', ')}, so the first column`}`);
  if (inferred) notes.push(`image shape ${shape.height}×${shape.width}×${shape.channels} inferred from ${s.columns} columns (one label and ${per} pixels)`);
  if (rangeNoteText) notes.push(rangeNoteText);
  if (labelNote) notes.push(labelNote);
  return assembleDataset({ ...meta, shape, classNames, train: { images, labels, count: labels.length }, test: null, notes });
}

/** What inspectCsv finds in the start of a CSV file, for the upload form to state before the upload. */
export interface CsvInspection {
  columns: number;
  /** The first row is a header, and why (empty when chosen, not detected). */
  header: { why: string } | null;
  /** The label column used. */
  label: LabelChoice;
  /** Distinct labels in the rows read (more than 256 counts as 257). */
  classes: number;
  /** Data rows read (of the start given). */
  rows: number;
  /** The one square shape the pixel columns fit, or null. */
  shape: ImageShape | null;
  range: PixelRange;
  /** The detected largest pixel value (1, 16, 255 or 65535), or why none fits. */
  maxValue: number | { error: string };
}

/**
 * Reads the start of a CSV file (`text`: whole rows, UTF-8 decoded) as parseCsv would and says what it infers:
 * the column count, header, image shape and pixel range. Throws DatasetError naming `file` where parseCsv
 * would (a cell that is not a number, rows of different lengths, a label column that does not exist, an empty
 * file, a header with no data rows).
 */
export function inspectCsv(text: string, options: Pick<CsvOptions, 'labelColumn' | 'header'>, file: string): CsvInspection {
  const s = scan(text, { ...options }, file);
  if (s.rows === 0) throw new DatasetError(file, 'the file has a header row but no data rows');
  let maxValue: CsvInspection['maxValue'];
  try {
    maxValue = detectMaxValue(s.range, file);
  } catch (e) {
    maxValue = { error: e instanceof DatasetError ? e.problem : String(e) };
  }
  return { columns: s.columns, header: s.header ? { why: s.headerWhy } : null, label: s.label, classes: s.labels.size, rows: s.rows, shape: inferShape(s.columns - 1), range: s.range, maxValue };
}
