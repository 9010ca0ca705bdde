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
  bytes: number;
}

export function summarizeDataset(d: Dataset): DatasetSummary {
  return {
    id: d.id,
    name: d.name,
    source: d.source,
    shape: d.shape,
    numClasses: d.numClasses,
    classNames: d.classNames,
    trainCount: d.train.count,
    testCount: d.test?.count ?? 0,
    bytes: d.train.images.byteLength + d.train.labels.byteLength + (d.test ? d.test.images.byteLength + d.test.labels.byteLength : 0),
  };
}
