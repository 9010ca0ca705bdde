// The downloadable model: a zip with model.json, its weights file and a README on loading it with TF.js.

import { strToU8, zipSync } from 'fflate';
import type { ModelDesc } from '../core/model-desc.ts';
import type { ExportedModel } from '../shared/worker-api.ts';

export interface ModelZipInfo {
  pointId: string;
  datasetName: string;
  classNames: string[];
  desc: ModelDesc;
  madd: number;
  params: number;
  error: number;
}

export function modelReadme(info: ModelZipInfo): string {
  const { height, width, channels } = info.desc.input;
  return [
    `Petridish model ${info.pointId} (trained on ${info.datasetName})`,
    '',
    `Test-set style error at search time: ${(info.error * 100).toFixed(2)} %; ${info.madd} multiply-adds; ${info.params} parameters.`,
    '',
    'A standard TensorFlow.js layers model: load it with no custom code, e.g.',
    '',
    "  const model = await tf.loadLayersModel('https://your.host/model.json');",
    `  const x = tf.tensor4d(pixels, [n, ${height}, ${width}, ${channels}]);  // raw 0-255 values, float32`,
    '  const probabilities = model.predict(x);  // [n, classes], softmax',
    '',
    `Input: NHWC float32 of shape [n, ${height}, ${width}, ${channels}] holding RAW pixel values 0-255.`,
    'The normalisation used in training ((x/255 - mean)/std per channel) is the first layer ("normalize").',
    `Output: [n, ${info.classNames.length}] class probabilities, in this class order:`,
    ...info.classNames.map((c, i) => `  ${i}: ${c}`),
    '',
    'Files: model.json (topology + weights manifest) and weights.bin (float32 weights), kept side by side.',
    '',
  ].join('\n');
}

export function buildModelZip(model: ExportedModel, info: ModelZipInfo): Uint8Array<ArrayBuffer> {
  // A copy typed over a plain ArrayBuffer, as Blob parts must be.
  return new Uint8Array(zipSync({
    'model.json': strToU8(model.modelJson),
    'weights.bin': new Uint8Array(model.weightsBin),
    'README.txt': strToU8(modelReadme(info)),
  }));
}
