// What the upload form says about a CSV file before it is uploaded: the image shape its column count implies
// and the pixel range of its values, read from the start of the file as the parser will read all of it.
import { inspectCsv, LABEL_NAMES, labelColumnWords, type CsvInspection } from '../../data/formats/csv.ts';

/** How much of the file the form reads to infer from (the upload itself reads all of it). */
export const PREVIEW_BYTES = 512 * 1024;

/** The file's start as text, cut after its last whole row; `whole` when that is the entire file. */
export async function readCsvStart(file: Blob, bytes = PREVIEW_BYTES): Promise<{ text: string; whole: boolean }> {
  const whole = file.size <= bytes;
  const text = await file.slice(0, Math.min(bytes, file.size)).text();
  if (whole) return { text, whole };
  const end = text.lastIndexOf('\n');
  return { text: end > 0 ? text.slice(0, end + 1) : text, whole };
}

const RANGE_WORDS: Record<number, string> = {
  1: 'fractions from 0 to 1',
  16: 'whole numbers from 0 to 16, as in the 8×8 digits of scikit-learn',
  255: 'values from 0 to 255',
  65535: '16-bit values (0 to 65535)',
};

export interface CsvPreview {
  /** "65 columns: a label and 64 pixel values, so 8×8 grayscale images." */
  shape: string;
  /**
   * The label column and the classes it gives: "The label is column 65 (“label”), found by its header name: 10
   * classes." With no label-like header name it says the first column was taken and how to choose another.
   */
  label: string;
  /** The detected shape, or null when no square shape fits (the user must give it). */
  inferred: CsvInspection['shape'];
  /** "Pixel values are whole numbers from 0 to 16 …; they are scaled to 0–255." */
  range: string;
  /** The detected largest pixel value, or null when the values fit no image format. */
  maxValue: number | null;
  /** "Read from all 1,797 rows." or "Read from the first 9,000 rows; the upload checks the rest." */
  extent: string;
}

/** "a, b, c or d" */
function orList(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** The form's sentences for an inspection of `whole` the file or only its start. */
export function describeCsv(i: CsvInspection, whole: boolean): CsvPreview {
  const pixels = i.columns - 1;
  const s = i.shape;
  const shape = s
    ? `${i.columns} columns: a label and ${pixels} pixel values, so ${s.height}×${s.width} ${s.channels === 1 ? 'grayscale' : 'colour (RGB)'} images.`
    : `${i.columns} columns: a label and ${pixels} pixel values, which fit no square image; give the height, width and channels below.`;
  const maxValue = typeof i.maxValue === 'number' ? i.maxValue : null;
  const range = maxValue === null
    ? `The pixel values cannot be used: ${(i.maxValue as { error: string }).error}.`
    : `Pixel values are ${RANGE_WORDS[maxValue] ?? `from 0 to ${maxValue}`} (the largest is ${i.range.max}); they are scaled to 0–255.`;
  const rows = i.rows.toLocaleString('en-US');
  const how = i.label.how === 'named'
    ? ', found by its header name'
    : i.label.how === 'default'
      ? `, the first column${i.header ? `, since no header cell is named ${orList(LABEL_NAMES)}` : ''} (type another in “Label column” if this is wrong)`
      : '';
  const classes = i.classes > 256 ? 'more than 256 classes, above the limit of 256' : `${i.classes} ${i.classes === 1 ? 'class' : 'classes'}${whole ? '' : ' in the rows read'}`;
  const label = `The label is ${labelColumnWords(i.label)}${how}: ${classes}.`;
  const extent = whole ? `Read from all ${rows} rows${i.header ? ' below the header' : ''}.` : `Read from the first ${rows} rows; the upload checks the rest.`;
  return { shape, label, inferred: s, range, maxValue, extent };
}

/** A warning when the largest pixel value typed does not match the data (null when it does, or is blank). */
export function rangeMismatch(typed: string, preview: CsvPreview | null, largest: number | null): string | null {
  const t = typed.trim();
  if (t === '' || !preview || preview.maxValue === null || largest === null) return null;
  const v = Number(t);
  if (!(v > 0)) return `“${t}” is not a number above 0.`;
  if (largest > v) return `The data reach ${largest}, above ${v}: the upload would refuse them. Leave it empty to detect ${preview.maxValue}.`;
  if (largest * 8 <= v) return `The data reach only ${largest}: scaled as 0–${v} the images would be nearly black. Leave it empty to detect ${preview.maxValue}.`;
  return null;
}

export { inspectCsv };
