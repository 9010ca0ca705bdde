// A dataset held in memory as typed arrays: uint8 pixels in NHWC order and uint8 labels. This is the one
// shape every parser produces, IndexedDB stores, and the trainer reads.

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

export interface DatasetSplit {
  /** count × height × width × channels bytes, NHWC. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export type DatasetSource = 'builtin' | 'download' | 'upload';

export interface Dataset {
  id: string;
  name: string;
  source: DatasetSource;
  shape: ImageShape;
  numClasses: number;
  classNames: string[];
  train: DatasetSplit;
  /** The dataset's own test split; null when the files had none. */
  test: DatasetSplit | null;
  /**
   * The dataset's own validation split (a `valid/` or `val/` folder), kept apart from training; absent when the
   * files had none. When present (and not empty) every phase of a run validates on it instead of a cut of
   * `train` (`preparePhaseData` in src/ml/run-job.ts); it is never trained on.
   */
  valid?: DatasetSplit | null;
  /**
   * What the parser inferred or left out, in plain words for the upload summary: a detected header or pixel
   * range, an inferred image shape, how original labels map to classes, files skipped and why.
   */
  notes?: string[];
}

/** What the picker and the run record need, without the pixels. */
export interface DatasetSummary {
  id: string;
  name: string;
  source: DatasetSource;
  shape: ImageShape;
  numClasses: number;
  classNames: string[];
  trainCount: number;
  testCount: number;
  /** Images in the dataset's own validation split (absent or 0 when it has none). */
  validCount?: number;
  bytes: number;
  /** See Dataset.notes. */
  notes?: string[];
}

function splitBytes(s: DatasetSplit | null | undefined): number {
  return s ? s.images.byteLength + s.labels.byteLength : 0;
}

export function summarizeDataset(d: Dataset): DatasetSummary {
  const extra: Pick<DatasetSummary, 'validCount' | 'notes'> = {};
  if (d.valid) extra.validCount = d.valid.count;
  if (d.notes && d.notes.length > 0) extra.notes = d.notes;
  return {
    id: d.id,
    name: d.name,
    source: d.source,
    shape: d.shape,
    numClasses: d.numClasses,
    classNames: d.classNames,
    trainCount: d.train.count,
    testCount: d.test?.count ?? 0,
    bytes: splitBytes(d.train) + splitBytes(d.test) + splitBytes(d.valid),
    ...extra,
  };
}
