// A small builder for an ONNX graph (opset 13): named nodes, float32 initialisers and the model's inputs and
// outputs, encoded with the ONNX protobuf schema from `onnx-proto` over protobufjs' minimal runtime (static
// code, no eval, so it runs under the app's Content-Security-Policy).

import { onnx } from 'onnx-proto';

/** Opset 13 is read by every ONNX Runtime since 1.6 and has every operator the networks need. */
export const ONNX_OPSET = 13;
/** IR version 7 goes with opset 13. */
const IR_VERSION = 7;

export type Attr = { ints: number[] } | { int: number } | { float: number };

export const ints = (v: number[]): Attr => ({ ints: v });
export const int = (v: number): Attr => ({ int: v });
export const float = (v: number): Attr => ({ float: v });

const { AttributeType } = onnx.AttributeProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

function attribute(name: string, a: Attr): onnx.IAttributeProto {
  if ('ints' in a) return { name, type: AttributeType.INTS, ints: a.ints };
  if ('int' in a) return { name, type: AttributeType.INT, i: a.int };
  return { name, type: AttributeType.FLOAT, f: a.float };
}

/** A dimension: a fixed size, or a named symbolic one (the batch). */
export type Dim = number | string;

export interface GraphIo {
  name: string;
  dims: Dim[];
  docString?: string;
}

function valueInfo(io: GraphIo): onnx.IValueInfoProto {
  return {
    name: io.name,
    docString: io.docString ?? '',
    type: { tensorType: { elemType: FLOAT, shape: { dim: io.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

/** Collects nodes and initialisers; every value name must be new (the error names the clash). */
export class OnnxGraph {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly names = new Set<string>();
  /** Number of float values stored as initialisers. */
  storedValues = 0;

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`exportOnnx: the value name "${name}" is used twice`);
    this.names.add(name);
    return name;
  }

  /** Declares the graph input's name (before any node reads it). */
  input(name: string): string {
    return this.claim(name);
  }

  /** A float32 initialiser of shape `dims` (row-major `data`); returns its name. */
  constant(name: string, data: Float32Array, dims: number[]): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new Error(`exportOnnx: constant "${name}" has ${data.length} values, its shape [${dims.join(', ')}] needs ${size}`);
    // ONNX raw data is little-endian, as Float32Array is on every platform browsers run on.
    const bytes = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    this.initializers.push({ name: this.claim(name), dims, dataType: FLOAT, rawData: bytes });
    this.storedValues += size;
    return name;
  }

  /** An int64 initialiser (Slice's starts/ends/axes). */
  int64s(name: string, values: number[]): string {
    const data = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({ name: this.claim(name), dims: [values.length], dataType: INT64, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  /** Appends node `opType` reading `inputs` and writing the value `output`; returns `output`. */
  node(opType: string, inputs: string[], output: string, attrs: Record<string, Attr> = {}): string {
    this.nodes.push({
      opType, name: output, input: inputs, output: [this.claim(output)],
      attribute: Object.entries(attrs).map(([k, a]) => attribute(k, a)),
    });
    return output;
  }

  /** The model file: a ModelProto with this graph, `input` as its only input and `outputs` in order. */
  encode(input: GraphIo, outputs: GraphIo[], meta: { name: string; docString: string }): Uint8Array {
    if (!this.names.has(input.name)) throw new Error(`exportOnnx: the input "${input.name}" was not declared`);
    for (const o of outputs) {
      if (!this.names.has(o.name)) throw new Error(`exportOnnx: the output "${o.name}" is computed by no node`);
    }
    return onnx.ModelProto.encode({
      irVersion: IR_VERSION,
      producerName: 'petridish-browser',
      docString: meta.docString,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      graph: {
        name: meta.name,
        node: this.nodes,
        initializer: this.initializers,
        input: [valueInfo(input)],
        output: outputs.map(valueInfo),
      },
    }).finish();
  }
}
