// Trained weights as plain data: one Float32 buffer plus the path and shape of every tensor in it. Paths
// follow the description (`cell3/n1/e0/sep_conv_3x3/dw1`), so a child inherits its parent's weights by name.

export interface WeightSpec {
  path: string;
  shape: number[];
  /** Offset into `data`, in float32 elements. */
  offset: number;
}

export interface NamedWeights {
  specs: WeightSpec[];
  data: Float32Array;
}

export function weightCount(w: NamedWeights): number {
  return w.specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/** The values of one tensor, as a view into the shared buffer. */
export function weightValues(w: NamedWeights, spec: WeightSpec): Float32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  return w.data.subarray(spec.offset, spec.offset + size);
}
