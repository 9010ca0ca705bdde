// The dataset picker's progress bar over one download or upload: shown from the start, each report in turn,
// gone once the work has settled, and not brought back by a report that arrives after a failure (one file of a
// download failing while another is still fetched: the Download buttons stayed disabled).
import { describe, expect, it } from 'vitest';
import type { ImportProgress } from '../../../src/runtime/datasets/dataset-import.ts';
import { runShowingProgress, type ShownProgress } from '../../../src/ui/setup/import-progress.ts';

/** What the picker holds after each `show`: the last value is what the page shows (null: no bar, buttons on). */
function recorder(): { shown: (ShownProgress | null)[]; show: (p: ShownProgress | null) => void } {
  const shown: (ShownProgress | null)[] = [];
  return { shown, show: (p) => shown.push(p) };
}

describe('runShowingProgress', () => {
  it('shows the start, each report with what it is for, then nothing once the work is done', async () => {
    const r = recorder();
    const result = await runShowingProgress('CIFAR-10', r.show, async (onProgress) => {
      onProgress({ phase: 'download', loaded: 10, total: 100 });
      onProgress({ phase: 'decode', loaded: 3, total: 60 });
      expect(r.shown.at(-1)).toEqual({ what: 'CIFAR-10', phase: 'decode', loaded: 3, total: 60 });
      return 'stored';
    });
    expect(result).toBe('stored');
    expect(r.shown).toEqual([
      { what: 'CIFAR-10', phase: 'read', loaded: 0, total: 0 },
      { what: 'CIFAR-10', phase: 'download', loaded: 10, total: 100 },
      { what: 'CIFAR-10', phase: 'decode', loaded: 3, total: 60 },
      null,
    ]);
  });

  it('a report after a failed download does not bring the bar back', async () => {
    const r = recorder();
    // Two files fetched at once: the first fails, the second's fetch reports after the failure was handled.
    let secondFile: ((p: ImportProgress) => void) | undefined;
    const failed = runShowingProgress('Fashion-MNIST', r.show, async (onProgress) => {
      secondFile = onProgress;
      onProgress({ phase: 'download', loaded: 1, total: 4 });
      throw new Error('t10k-labels-idx1-ubyte.gz: the server answered 404 Not Found');
    });
    await expect(failed).rejects.toThrow(/404 Not Found/);
    expect(r.shown.at(-1)).toBeNull();
    secondFile?.({ phase: 'download', loaded: 3, total: 4 });
    secondFile?.({ phase: 'download', loaded: 4, total: 4 });
    expect(r.shown.at(-1)).toBeNull();
    expect(r.shown.filter((p) => p === null)).toHaveLength(1);
  });

  it('a report after a stored upload does not bring the bar back either', async () => {
    const r = recorder();
    let late: ((p: ImportProgress) => void) | undefined;
    await runShowingProgress('digits', r.show, async (onProgress) => {
      late = onProgress;
      return undefined;
    });
    late?.({ phase: 'store', loaded: 1, total: 1 });
    expect(r.shown).toEqual([{ what: 'digits', phase: 'read', loaded: 0, total: 0 }, null]);
  });
});
