// The dataset picker's progress for one download or upload, kept out of the component so its timing can be
// tested in Node: what the progress bar shows (and so whether the Download and Delete buttons are disabled)
// from the start of the work until it has settled.

import type { ImportProgress } from '../../runtime/datasets/dataset-import.ts';

/** A progress report as the picker shows it: the phase, counts and what is being downloaded or uploaded. */
export type ShownProgress = ImportProgress & { what: string };

/**
 * Runs `work` (a download or upload of `what`, then whatever follows it while the bar stays up) with its
 * progress shown through `show`: first `read` with no counts, then each report `work` passes to its
 * `onProgress`, and null once `work` has resolved or rejected. Reports that arrive after that are dropped: a
 * download fetches its files at once, so when one fails the others can still report progress, which must not
 * bring the progress bar (and the disabled buttons) back. Resolves or rejects as `work` does.
 */
export async function runShowingProgress<T>(
  what: string,
  show: (p: ShownProgress | null) => void,
  work: (onProgress: (p: ImportProgress) => void) => Promise<T>,
): Promise<T> {
  show({ what, phase: 'read', loaded: 0, total: 0 });
  let settled = false;
  try {
    return await work((p) => {
      if (!settled) show({ ...p, what });
    });
  } finally {
    settled = true;
    show(null);
  }
}
