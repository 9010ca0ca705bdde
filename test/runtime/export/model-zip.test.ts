// The model zip: the files of each format, and a README that names the numbers correctly (validation error
// of the proxy, test accuracy when measured, a final model's own test accuracy) and says how to load the
// model in TF.js, ONNX Runtime and Python.

import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildModelZip, modelReadme, type ModelZipInfo } from '../../../src/runtime/export/model-zip.ts';
import { seedDesc } from '../../ml/fixtures.ts';

const info: ModelZipInfo = {
  pointId: 'p-7', datasetName: 'MNIST', classNames: ['zero', 'one', 'two'], desc: seedDesc('canonical'),
  madd: 123456, params: 7890, validationError: 0.1234, test: null, kind: 'proxy',
};

describe('model zip', () => {
  it('holds model.json, weights.bin and README-tfjs.txt for TF.js, model.onnx and README-onnx.txt for ONNX, so both unzip into one folder', () => {
    const tfjs = unzipSync(buildModelZip({ format: 'tfjs', modelJson: '{"a":1}', weightsBin: new Float32Array([1, 2]).buffer }, info));
    expect(Object.keys(tfjs).sort()).toEqual(['README-tfjs.txt', 'model.json', 'weights.bin']);
    expect(strFromU8(tfjs['model.json']!)).toBe('{"a":1}');
    expect([...new Float32Array(tfjs['weights.bin']!.slice().buffer)]).toEqual([1, 2]);
    const onnx = unzipSync(buildModelZip({ format: 'onnx', onnx: new Uint8Array([8, 7, 6]).buffer }, info));
    expect(Object.keys(onnx).sort()).toEqual(['README-onnx.txt', 'model.onnx']);
    expect([...onnx['model.onnx']!]).toEqual([8, 7, 6]);
    expect(strFromU8(onnx['README-onnx.txt']!)).toContain('ONNX (opset 13)');
  });

  it('the project README says the downloads are zips to unzip first and names every file in them', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const tfjs = Object.keys(unzipSync(buildModelZip({ format: 'tfjs', modelJson: '{}', weightsBin: new ArrayBuffer(4) }, info)));
    const onnx = Object.keys(unzipSync(buildModelZip({ format: 'onnx', onnx: new ArrayBuffer(4) }, info)));
    for (const f of [...tfjs, ...onnx]) expect(readme).toContain(`\`${f}\``);
    expect(readme).toContain('-tfjs.zip');
    expect(readme).toContain('-onnx.zip');
    expect(readme).toMatch(/zips? to unzip first/);
    expect(readme).not.toMatch(/as an ONNX file/);
  });

  it('a proxy: its validation error, test accuracy "not measured" or measured, cost and classes', () => {
    const text = modelReadme(info, 'tfjs');
    expect(text).toContain('Validation error (1 - best validation accuracy during its training): 12.34 %');
    expect(text).toContain('Test accuracy (never used in training or selection): not measured.');
    expect(text).toContain('123456 multiply-adds per image; 7890 trainable parameters');
    expect(text).toContain('[n, 8, 8, 1]');
    expect(text).toMatch(/ {2}2: two/);
    expect(text).not.toMatch(/test-set style/i);
    expect(modelReadme({ ...info, test: { testAcc: 0.9051, testCount: 2000, testSource: 'test' } }, 'tfjs'))
      .toContain('Test accuracy (never used in training or selection): 90.51 % on 2000 examples of the dataset\'s test split.');
    expect(modelReadme({ ...info, test: { testAcc: 0.5, testCount: 30, testSource: 'held-out' } }, 'tfjs'))
      .toContain('50.00 % on 30 examples held out from the training split (the dataset has no test split).');
  });

  it('a final model: its own test accuracy, and its proxy\'s validation error named as such', () => {
    const text = modelReadme({ ...info, kind: 'final', test: { testAcc: 0.97, testCount: 10000, testSource: 'test' } }, 'onnx');
    expect(text).toContain('Test accuracy of this model: 97.00 % on 10000 examples of the dataset\'s test split.');
    expect(text).toContain('The search-time proxy it was rebuilt from had a validation error of 12.34 %');
  });

  it('says how to load the model in TF.js, ONNX Runtime and Python for both formats', () => {
    const tfjs = modelReadme(info, 'tfjs');
    expect(tfjs).toContain('tf.loadLayersModel');
    expect(tfjs).toContain('tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras');
    expect(tfjs).toMatch(/ONNX Runtime: download the ONNX format/);
    const onnx = modelReadme(info, 'onnx');
    expect(onnx).toContain('ort.InferenceSession.create');
    expect(onnx).toContain('onnxruntime as ort');
    expect(onnx).toContain('session.run(None, {"pixels"');
    expect(onnx).toMatch(/TensorFlow\.js: download the TF\.js format/);
  });
});
