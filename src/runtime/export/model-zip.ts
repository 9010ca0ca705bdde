// The downloadable model: a zip with the model in one format (TF.js layers model, or ONNX) and a README that
// names its numbers and says how to load it in TF.js, ONNX Runtime and Python.

import { strToU8, zipSync } from 'fflate';
import type { ModelDesc } from '../../core/space/model-desc.ts';
import type { TestScore } from '../../core/search-types.ts';
import type { ExportedModel } from '../../shared/worker-api.ts';

export interface ModelZipInfo {
  pointId: string;
  datasetName: string;
  classNames: string[];
  desc: ModelDesc;
  /** Multiply-adds of one forward pass of one image (spec §6). */
  madd: number;
  /** Trainable parameters (spec §6). */
  params: number;
  /** 1 − best validation accuracy of the point's own (proxy) training: the number the search compared. */
  validationError: number;
  /** Accuracy on the run's test examples (reported only, never used to choose), or null when not measured. */
  test: TestScore | null;
  /**
   * 'proxy': a pool point as the search trained it; 'final': the architecture retrained at evaluation width,
   * whose `test` score is its own and whose `validationError` is its proxy's.
   */
  kind: 'proxy' | 'final';
}

const percent = (v: number): string => `${(v * 100).toFixed(2)} %`;

/** "90.51 % on 2000 examples of the dataset's test split", or "not measured". */
function testText(test: TestScore | null): string {
  if (!test) return 'not measured';
  const where = test.testSource === 'test'
    ? "of the dataset's test split"
    : 'held out from the training split (the dataset has no test split)';
  return `${percent(test.testAcc)} on ${test.testCount} examples ${where}`;
}

function numbers(info: ModelZipInfo): string[] {
  const test = testText(info.test);
  const cost = `${info.madd} multiply-adds per image; ${info.params} trainable parameters.`;
  if (info.kind === 'final') {
    return [
      `Final model: the architecture of pool point ${info.pointId} retrained at evaluation width.`,
      `Test accuracy of this model: ${test}.`,
      `The search-time proxy it was rebuilt from had a validation error of ${percent(info.validationError)}.`,
      cost,
    ];
  }
  return [
    'A search-time proxy: the network the search trained briefly to compare architectures.',
    `Validation error (1 - best validation accuracy during its training): ${percent(info.validationError)}.`,
    `Test accuracy (never used in training or selection): ${test}.`,
    cost,
  ];
}

function inputLines(info: ModelZipInfo): string[] {
  const { height, width, channels } = info.desc.input;
  return [
    `Input: NHWC float32 of shape [n, ${height}, ${width}, ${channels}] holding RAW pixel values 0-255`,
    '(row-major, channels last). The normalisation used in training, (x/255 - mean)/std per channel, is',
    'built into the model.',
    `Classes (${info.classNames.length}), in output order:`,
    ...info.classNames.map((c, i) => `  ${i}: ${c}`),
  ];
}

const TFJS_USE = (shape: string): string[] => [
  'TensorFlow.js (standard layers model, no custom code):',
  "  const model = await tf.loadLayersModel('https://your.host/model.json');",
  `  const probabilities = model.predict(tf.tensor4d(pixels, ${shape}));  // [n, classes], softmax`,
  '',
  'Python (Keras), after `pip install tensorflowjs`:',
  '  tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras model.json model.h5',
  '  model = tf.keras.models.load_model("model.h5"); probabilities = model.predict(pixels)',
  '',
  'ONNX Runtime: download the ONNX format of this model from the same panel.',
];

const ONNX_USE = (shape: string): string[] => [
  'ONNX Runtime in JavaScript (onnxruntime-web in a page, onnxruntime-node in Node):',
  "  const session = await ort.InferenceSession.create('model.onnx');",
  `  const { logits, probabilities } = await session.run({ pixels: new ort.Tensor('float32', pixels, ${shape}) });`,
  '',
  'Python, after `pip install onnxruntime numpy`:',
  '  import onnxruntime as ort',
  '  session = ort.InferenceSession("model.onnx")',
  '  logits, probabilities = session.run(None, {"pixels": pixels.astype("float32")})',
  '',
  'Outputs: "logits" and "probabilities" (softmax of the logits), both [n, classes].',
  'TensorFlow.js: download the TF.js format of this model from the same panel.',
];

/** The README of the zip: what the model is, its numbers, its input and output, and how to load it. */
export function modelReadme(info: ModelZipInfo, format: ExportedModel['format']): string {
  const { height, width, channels } = info.desc.input;
  const shape = `[n, ${height}, ${width}, ${channels}]`;
  return [
    `Petridish model ${info.pointId} (trained on ${info.datasetName}), ${format === 'onnx' ? 'ONNX (opset 13)' : 'TensorFlow.js layers model'}`,
    '',
    ...numbers(info),
    '',
    ...inputLines(info),
    '',
    ...(format === 'onnx' ? ONNX_USE(shape) : TFJS_USE(shape)),
    '',
    format === 'onnx'
      ? 'Files: model.onnx (graph and weights in one file).'
      : 'Files: model.json (topology + weights manifest) and weights.bin (float32 weights), kept side by side.',
    'The file format and the parameter counts are documented in docs/export-format.md of petridish-browser.',
    '',
  ].join('\n');
}

/**
 * The README's file name in the zip of `format`: one name per format, so that both downloads of a model
 * unzipped into one folder keep both READMEs (a shared "README.txt" would overwrite the other).
 */
export function readmeName(format: ExportedModel['format']): string {
  return format === 'onnx' ? 'README-onnx.txt' : 'README-tfjs.txt';
}

export function buildModelZip(model: ExportedModel, info: ModelZipInfo): Uint8Array<ArrayBuffer> {
  const files: Record<string, Uint8Array> = model.format === 'onnx'
    ? { 'model.onnx': new Uint8Array(model.onnx) }
    : { 'model.json': strToU8(model.modelJson), 'weights.bin': new Uint8Array(model.weightsBin) };
  // A copy typed over a plain ArrayBuffer, as Blob parts must be.
  return new Uint8Array(zipSync({ ...files, [readmeName(model.format)]: strToU8(modelReadme(info, model.format)) }));
}
