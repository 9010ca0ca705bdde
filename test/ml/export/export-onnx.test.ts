// The ONNX export run by ONNX Runtime (onnxruntime-web's WebAssembly build, in Node): on the same images, its
// logits equal the network's inference logits and its probabilities equal the TF.js download's, to 1e-4, for
// every primitive, both search spaces, reduction cells and grown multi nodes, with raw pixels in.

import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { onnx } from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.ts';
import { normalizeImages } from '../../../src/data/normalize.ts';
import { buildLayersModel } from '../../../src/ml/export/layers.ts';
import { exportOnnx } from '../../../src/ml/onnx/export-onnx.ts';
import { useBackend } from '../backends.ts';
import { CASES, everyOp, reference } from './export-cases.ts';
import { growthChain, maxAbsDiff, randomBatch } from '../fixtures.ts';

async function runOnnx(file: Uint8Array, inputName: string, x: Float32Array, dims: number[]): Promise<{ logits: Float32Array; probabilities: Float32Array }> {
  const session = await ort.InferenceSession.create(file);
  try {
    const out = await session.run({ [inputName]: new ort.Tensor('float32', x, dims) });
    const logits = out.logits;
    const probabilities = out.probabilities;
    if (!logits || !probabilities) throw new Error('the ONNX model lacks an output');
    return { logits: logits.data as Float32Array, probabilities: probabilities.data as Float32Array };
  } finally {
    await session.release();
  }
}

describe('exportOnnx, run with ONNX Runtime', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    ort.env.wasm.numThreads = 1;
  });

  it.each(CASES)('%s: ONNX Runtime gives the network\'s logits', async (_, make) => {
    const desc = make();
    const x = randomBatch(desc, 3, 5);
    const { logits, weights } = await reference(desc, x, 21, { calibrate: true });
    expect(Math.max(...logits.map(Math.abs)), 'the logits are non-trivial').toBeGreaterThan(0.05);
    const file = exportOnnx(desc, weights);
    const { height, width, channels } = desc.input;
    const got = await runOnnx(file, 'input', (await x.data()) as Float32Array, [3, height, width, channels]);
    expect(maxAbsDiff(got.logits, logits)).toBeLessThan(1e-4);
    const probs = tf.tidy(() => tf.softmax(tf.tensor2d(logits, [3, desc.numClasses])).dataSync());
    expect(maxAbsDiff(got.probabilities, probs)).toBeLessThan(1e-5);
    x.dispose();
  });

  it.each(CASES)('%s: with raw pixels in, ONNX Runtime and the TF.js download agree', async (_, make) => {
    const desc = make();
    const { height, width, channels } = desc.input;
    const rng = createRng(9);
    const n = 2;
    const pixels = Uint8Array.from({ length: n * height * width * channels }, () => Math.floor(rng.next() * 256));
    const stats = { mean: Array.from({ length: channels }, (_, i) => 0.3 + 0.1 * i), std: Array.from({ length: channels }, (_, i) => 0.2 + 0.05 * i) };
    const normalized = tf.tensor4d(normalizeImages(pixels, { height, width, channels }, [0, 1], stats), [n, height, width, channels]);
    const { logits, weights } = await reference(desc, normalized, 33, { calibrate: true });
    const model = buildLayersModel(desc, weights, { normalization: stats, softmax: true });
    const raw = tf.tensor4d(Float32Array.from(pixels), [n, height, width, channels]);
    const tfjsProbs = tf.tidy(() => (model.predict(raw) as tf.Tensor).dataSync());
    model.dispose();
    const got = await runOnnx(exportOnnx(desc, weights, { normalization: stats }), 'pixels', Float32Array.from(pixels), [n, height, width, channels]);
    expect(maxAbsDiff(got.logits, logits)).toBeLessThan(1e-4);
    expect(maxAbsDiff(got.probabilities, tfjsProbs)).toBeLessThan(1e-4);
    tf.dispose([normalized, raw]);
  });

  it('is opset 13 with input "pixels", outputs "logits" and "probabilities", standard operators, and dil_conv as dilation-2 convs', async () => {
    const desc = everyOp(10);
    const x = randomBatch(desc, 1, 1);
    const { weights } = await reference(desc, x, 3);
    x.dispose();
    const model = onnx.ModelProto.decode(exportOnnx(desc, weights, { normalization: { mean: [0.5, 0.5], std: [0.2, 0.2] } }));
    expect(Number(model.opsetImport[0]?.version)).toBe(13);
    const graph = model.graph as onnx.GraphProto;
    expect(graph.input.map((i) => i.name)).toEqual(['pixels']);
    expect(graph.output.map((o) => o.name)).toEqual(['logits', 'probabilities']);
    const ops = new Set(graph.node.map((nd) => nd.opType));
    expect([...ops].sort()).toEqual(['Add', 'AveragePool', 'BatchNormalization', 'Clip', 'Concat', 'Conv', 'Flatten', 'Gemm', 'GlobalAveragePool', 'MaxPool', 'Mul', 'Relu', 'Slice', 'Softmax', 'Transpose']);
    // Every dil_conv is a dilation-2 conv with its k×k filter.
    const dilated = graph.node.filter((nd) => (nd.attribute ?? []).some((a) => a.name === 'dilations' && (a.ints ?? []).every((d) => Number(d) === 2)));
    expect(dilated.length).toBeGreaterThan(0);
    for (const nd of dilated) expect(nd.name).toMatch(/dil_conv_(3x3|5x5)\/dw\/out$/);
  });

  it('rejects a description with a candidate and weights that do not fit, naming the problem', () => {
    const { child, seed } = growthChain('canonical');
    const x = randomBatch(seed, 1, 1);
    x.dispose();
    const weights = { specs: [], data: new Float32Array(0) };
    expect(() => exportOnnx(seed, weights)).toThrow(/weight "stem0\/conv" is missing/);
    expect(() => exportOnnx(child, weights)).toThrow(/weight "stem0\/conv" is missing|is a candidate/);
  });
});
