// The upload form's small decisions, kept out of the component so they can be tested in Node: the dataset
// name a picked file suggests, and why "Add dataset" cannot be pressed yet.

/** The name a picked file (or folder) suggests: its first path part without a data file's extension. */
export function nameFromPath(path: string): string {
  return (path.split('/')[0] ?? '').replace(/\.(gz|zip|csv|bin|tgz|tar)$/i, '').replace(/\.(csv|tar)$/i, '');
}

/**
 * The Name field after a new pick: it follows the picked file unless the user typed a name of their own
 * (`typed`), which is kept.
 */
export function nameAfterPick(current: string, typed: boolean, path: string | undefined): string {
  if (typed && current.trim() !== '') return current;
  return path === undefined ? '' : nameFromPath(path);
}

/**
 * Why the upload cannot start (shown next to the disabled button), or null when it can: no file picked, the
 * picked CSV cannot be read (the preview's error), or the name is taken and keeping both was not chosen.
 */
export function uploadBlocked(s: { files: number; previewError: string | null; duplicate: boolean; keepBoth: boolean }): string | null {
  if (s.files === 0) return 'Choose the files first.';
  if (s.previewError !== null) return 'The file cannot be used as it is (see above).';
  if (s.duplicate && !s.keepBoth) return 'The name is taken (see above).';
  return null;
}
