// The upload form's reading of a CSV before the upload: 65 columns are 8×8 gray images plus the label, values
// 0..16 are the digits' range (stated, never taken as 0..255), and a typed largest value that does not fit is
// warned about.
import { describe, expect, it } from 'vitest';
import { describeCsv, inspectCsv, rangeMismatch, readCsvStart } from '../../../src/ui/setup/csv-preview.ts';

/** sklearn's digits as pandas writes them without an index: 64 pixel columns 0..16, then the target. */
function digitsCsv(rows: number): string {
  const lines = [[...Array.from({ length: 64 }, (_, i) => `pixel_${i}`), 'target'].join(',')];
  for (let r = 0; r < rows; r++) lines.push([...Array.from({ length: 64 }, (_, i) => String((r + i) % 17)), String(r % 10)].join(','));
  return `${lines.join('\n')}\n`;
}

describe('CSV preview in the upload form', () => {
  it('infers 8×8 gray from 65 columns and states the 0..16 range', () => {
    const text = digitsCsv(30);
    const p = describeCsv(inspectCsv(text, { labelColumn: -1, header: 'auto' }, 'digits.csv'), true);
    expect(p.shape).toBe('65 columns: a label and 64 pixel values, so 8×8 grayscale images.');
    expect(p.inferred).toEqual({ height: 8, width: 8, channels: 1 });
    expect(p.range).toBe('Pixel values are whole numbers from 0 to 16, as in the 8×8 digits of scikit-learn (the largest is 16); they are scaled to 0–255.');
    expect(p.maxValue).toBe(16);
    expect(p.extent).toBe('Read from all 30 rows below the header.');
    expect(rangeMismatch('255', p, 16)).toMatch(/^The data reach only 16: scaled as 0–255 the images would be nearly black\. Leave it empty to detect 16\.$/);
    expect(rangeMismatch('16', p, 16)).toBeNull();
    expect(rangeMismatch('', p, 16)).toBeNull();
    expect(rangeMismatch('10', p, 16)).toMatch(/reach 16, above 10/);
  });

  it('finds a label column by its header name and always names the label column and its classes', () => {
    // The digits as a newcomer exports them: p0..p63, then "label".
    const lines = [[...Array.from({ length: 64 }, (_, i) => `p${i}`), 'label'].join(',')];
    for (let r = 0; r < 40; r++) lines.push([...Array.from({ length: 64 }, (_, i) => String((r * 7 + i) % 17)), String(r % 10)].join(','));
    const text = `${lines.join('\n')}\n`;
    const p = describeCsv(inspectCsv(text, { labelColumn: 'auto', header: 'auto' }, 'digits8x8.csv'), true);
    expect(p.label).toBe('The label is column 65 (“label”), found by its header name: 10 classes.');
    expect(p.maxValue).toBe(16);
    // A header with no label-like name keeps the first column, and says so.
    const plain = describeCsv(inspectCsv(text.replace(',label\n', ',last\n'), { labelColumn: 'auto', header: 'auto' }, 'd.csv'), true);
    expect(plain.label).toBe('The label is column 1 (“p0”), the first column, since no header cell is named label, class, target or y (type another in “Label column” if this is wrong): 17 classes.');
    // A chosen column is named too.
    expect(describeCsv(inspectCsv(digitsCsv(30), { labelColumn: -1, header: 'auto' }, 'digits.csv'), true).label).toBe('The label is column 65 (“target”): 10 classes.');
  });

  it('says when no square shape fits, and names a bad cell as the upload would', () => {
    const text = '1,2,3,4,5,6\n0,1,2,3,4,5\n';
    const p = describeCsv(inspectCsv(text, { labelColumn: 0, header: false }, 'odd.csv'), true);
    expect(p.inferred).toBeNull();
    expect(p.shape).toMatch(/^6 columns: a label and 5 pixel values, which fit no square image/);
    expect(() => inspectCsv('0,1,2,3,4\n1,2,x,4,5\n', { labelColumn: 0, header: false }, 'bad.csv')).toThrow(/bad\.csv: row 2, column 3: "x" is not a number/);
  });

  it('reads whole rows from the start of a large file', async () => {
    const text = digitsCsv(2000);
    const { text: start, whole } = await readCsvStart(new Blob([text]), 20_000);
    expect(whole).toBe(false);
    expect(start.endsWith('\n')).toBe(true);
    const p = describeCsv(inspectCsv(start, { labelColumn: -1, header: 'auto' }, 'digits.csv'), false);
    expect(p.extent).toMatch(/^Read from the first \d+ rows; the upload checks the rest\.$/);
    expect(p.inferred).toEqual({ height: 8, width: 8, channels: 1 });
  });
});
