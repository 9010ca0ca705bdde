// Trained weights looked up by path, each checked against the shape the model description implies: what both
// exporters (the TF.js layers model in blocks.ts and ONNX in onnx/export-onnx.ts) build their graphs from.
import type { NamedWeights } from '../../core/weights.ts';
import { weightValues } from '../../core/weights.ts';

export class WeightLookup {
  private readonly byPath = new Map<string, { shape: number[]; values: Float32Array }>();

  /** `exporter` names the export in error messages ("exportLayers", "exportOnnx"). */
  constructor(weights: NamedWeights, private readonly exporter: string) {
    for (const s of weights.specs) this.byPath.set(s.path, { shape: s.shape, values: weightValues(weights, s) });
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  /**
   * The values of `path` (row-major, in the stored layout). Throws when the weights lack `path` or hold it
   * with another shape than `shape`, naming both.
   */
  values(path: string, shape: number[]): Float32Array {
    const w = this.byPath.get(path);
    if (!w) throw new Error(`${this.exporter}: weight "${path}" is missing from the weights`);
    if (w.shape.join(',') !== shape.join(',')) {
      throw new Error(`${this.exporter}: weight "${path}" has shape [${w.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
    return w.values;
  }
}
