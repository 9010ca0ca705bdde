// The upload form's decisions: the Name field follows each new pick until the user types a name, and "Add
// dataset" says why it cannot be pressed (no file, a file the preview cannot read, a taken name).
import { describe, expect, it } from 'vitest';
import { describeError } from '../../../src/runtime/describe-error.ts';
import { DatasetError } from '../../../src/data/errors.ts';
import { inspectCsv } from '../../../src/ui/setup/csv-preview.ts';
import { nameAfterPick, nameFromPath, uploadBlocked } from '../../../src/ui/setup/upload-form.ts';

describe('upload form', () => {
  it('names the dataset after the latest picked file unless a name was typed', () => {
    expect(nameFromPath('malformed.csv')).toBe('malformed');
    expect(nameFromPath('digits.csv.gz')).toBe('digits');
    expect(nameFromPath('flowers/roses/a.png')).toBe('flowers');
    // Picked malformed.csv, then headeronly.csv: the name follows.
    const first = nameAfterPick('', false, 'malformed.csv');
    expect(nameAfterPick(first, false, 'headeronly.csv')).toBe('headeronly');
    // A typed name stays; an emptied one follows again.
    expect(nameAfterPick('My digits', true, 'headeronly.csv')).toBe('My digits');
    expect(nameAfterPick('', true, 'headeronly.csv')).toBe('headeronly');
    expect(nameAfterPick('malformed', false, undefined)).toBe('');
  });

  it('says why the upload cannot start', () => {
    const ok = { files: 1, previewError: null, duplicate: false, keepBoth: false };
    expect(uploadBlocked(ok)).toBeNull();
    expect(uploadBlocked({ ...ok, files: 0 })).toMatch(/Choose the files/);
    expect(uploadBlocked({ ...ok, previewError: 'x.csv: row 6 …' })).toMatch(/cannot be used/);
    expect(uploadBlocked({ ...ok, duplicate: true })).toMatch(/name is taken/);
    expect(uploadBlocked({ ...ok, duplicate: true, keepBoth: true })).toBeNull();
  });

  it('shows errors without their class name, and a header-only CSV as having no data rows', () => {
    expect(describeError(new DatasetError('malformed.csv', 'row 6 has 3 columns, expected 65 (as in row 1)'))).toBe('malformed.csv: row 6 has 3 columns, expected 65 (as in row 1)');
    expect(describeError(new TypeError('bad'))).toBe('bad');
    let thrown: unknown = null;
    try {
      inspectCsv('p0,p1,p2,p3,label\n', { labelColumn: 'auto', header: 'auto' }, 'headeronly.csv');
    } catch (e) {
      thrown = e;
    }
    expect(describeError(thrown)).toBe('headeronly.csv: the file has a header row but no data rows');
  });
});
