import { gzipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseCsv, type CsvOptions } from '../../../src/data/formats/csv.ts';

const meta = { id: 'csv', name: 'pixels.csv', source: 'upload' as const };
const shape = { height: 2, width: 2, channels: 1 };
const bytes = (s: string): Uint8Array => strToU8(s);
const opts = (o: Partial<CsvOptions> = {}): CsvOptions => ({ labelColumn: 0, header: 'auto', shape, ...o });

describe('CSV', () => {
  it('parses a Kaggle-style file with a header (auto-detected or named label column)', () => {
    const text = 'label,p0,p1,p2,p3\r\n1,0,10,20,30\r\n0,255,0,0,1\r\n\r\n';
    for (const o of [opts(), opts({ header: true, labelColumn: 'label' })]) {
      const d = parseCsv(bytes(text), o, meta);
      expect(d.train.count).toBe(2);
      expect(Array.from(d.train.labels)).toEqual([1, 0]);
      expect(Array.from(d.train.images)).toEqual([0, 10, 20, 30, 255, 0, 0, 1]);
      expect(d.test).toBeNull();
    }
  });

  it('with the label column left to detect, takes a header column named label/class/target/y, else the first', () => {
    // p0..p3 then label: read with column 0 as the label this would be 3 pixels plus "label" as a pixel, and fail.
    const named = (h: string): string => `p0,p1,p2,p3,${h}\n1,2,3,4,0\n5,6,7,8,1\n9,9,9,9,2\n`;
    for (const h of ['label', 'Label', ' CLASS ', 'target', 'y']) {
      const d = parseCsv(bytes(named(h)), opts({ labelColumn: 'auto', maxValue: 255 }), meta);
      expect(Array.from(d.train.labels)).toEqual([0, 1, 2]);
      expect(Array.from(d.train.images)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9]);
      expect((d.notes ?? []).join('; ')).toMatch(/the label is column 5 \(“.*”\), found by its header name/);
    }
    // No such name: the first column, and the notes say so.
    const d = parseCsv(bytes('a,p0,p1,p2,p3\n1,2,3,4,0\n0,6,7,8,1\n'), opts({ labelColumn: 'auto', maxValue: 255 }), meta);
    expect(Array.from(d.train.labels)).toEqual([1, 0]);
    expect((d.notes ?? []).join('; ')).toMatch(/the label is column 1 \(“a”\): no header cell is named label, class, target, y, so the first column/);
    // No header: the first column.
    const n = parseCsv(bytes('1,2,3,4,0\n0,6,7,8,1\n'), opts({ labelColumn: 'auto', maxValue: 255 }), meta);
    expect(Array.from(n.train.labels)).toEqual([1, 0]);
  });

  it('takes the label from the last column with no header, gzipped, with a value range', () => {
    const d = parseCsv(gzipSync(bytes('0,16,8,4,1\n16,0,0,0,0\n')), opts({ labelColumn: -1, header: false, maxValue: 16 }), meta);
    expect(Array.from(d.train.labels)).toEqual([1, 0]);
    expect(Array.from(d.train.images)).toEqual([0, 255, 128, 64, 255, 0, 0, 0]);
  });

  it('maps text labels to sorted class names', () => {
    const d = parseCsv(bytes('"cat",1,2,3,4\ndog,5,6,7,8\ncat,0,0,0,0\n'), opts({ header: false }), meta);
    expect(d.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(d.train.labels)).toEqual([0, 1, 0]);
  });

  it('names the row and column of every bad value', () => {
    expect(() => parseCsv(bytes('label,a,b,c,d\n1,0,0,0,0\n0,1,x2,3,4\n'), opts(), meta)).toThrow(/^pixels\.csv: row 3, column 3 \("b"\): "x2" is not a number/);
    expect(() => parseCsv(bytes('1,0,0,0,0\n0,1,2,300,4\n'), opts({ maxValue: 255 }), meta)).toThrow(/row 2, column 4: value 300 is out of range \(expected 0\.\.255\)/);
    expect(() => parseCsv(bytes('1,0,0,0,0\n0,-1,2,3,4\n'), opts(), meta)).toThrow(/row 2, column 2: value -1 is out of range/);
    expect(() => parseCsv(bytes('1,0,0,0,0\n0,1,2,3\n'), opts(), meta)).toThrow(/row 2 has 4 columns, expected 5/);
    expect(() => parseCsv(bytes('1,0,0\n0,1,2\n'), opts(), meta)).toThrow(/rows have 3 columns, but a 2×2×1 image plus a label needs 5/);
  });

  it('refuses bad options and empty files', () => {
    expect(() => parseCsv(bytes('1,0,0,0,0\n'), opts({ labelColumn: 'label', header: false }), meta)).toThrow(/no header row/);
    expect(() => parseCsv(bytes('y,a,b,c,d\n1,0,0,0,0\n'), opts({ labelColumn: 'label' }), meta)).toThrow(/no column named "label"/);
    expect(() => parseCsv(bytes('1,0,0,0,0\n'), opts({ labelColumn: 7 }), meta)).toThrow(/label column 7 does not exist/);
    expect(() => parseCsv(bytes('\n\n'), opts(), meta)).toThrow(/is empty/);
    expect(() => parseCsv(bytes('label,a,b,c,d\n'), opts(), meta)).toThrow(/no data rows/);
    // Labels are classes named by their values, so one distinct label is one class.
    expect(() => parseCsv(bytes('1,0,0,0,0\n1,0,0,0,0\n'), opts(), meta)).toThrow(/at least 2 classes, found 1/);
    expect(() => parseCsv(bytes('1,0,0,0,0\n'), opts({ shape: { height: 2, width: 2, channels: 2 } }), meta)).toThrow(/1 \(grayscale\) or 3 \(RGB\) channels/);
  });
});
