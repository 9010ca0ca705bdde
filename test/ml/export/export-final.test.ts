// A final model (the cells rebuilt at evaluation width, trained with the auxiliary tower, stored without it)
// downloads like a pool point: the TF.js layers model and the ONNX file (run by ONNX Runtime) give the
// network's inference logits, and the download's trainable parameters are the final model's own count.

import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { countCost } from '../../../src/core/cost/cost.ts';
import { finalDesc, finalSpecWith } from '../../../src/core/final/final-spec.ts';
import { PRESETS } from '../../../src/core/presets.ts';
import { withoutAuxTower } from '../../../src/ml/model/aux-tower.ts';
import { buildLayersModel } from '../../../src/ml/export/layers.ts';
import { buildNetwork } from '../../../src/ml/model/network.ts';
import { exportOnnx } from '../../../src/ml/onnx/export-onnx.ts';
import { useBackend } from '../backends.ts';
import { growthChain, maxAbsDiff, perturbed, randomBatch } from '../fixtures.ts';

describe('final models export like pool points', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    ort.env.wasm.numThreads = 1;
  });

  it('a grown point at evaluation width, trained with the tower: both downloads give its logits', async () => {
    const grown = growthChain('canonical').final;
    const spec = { ...finalSpecWith(PRESETS.tiny, { initNodeChannels: 6 }), auxWeight: 0.4 };
    const desc = { ...finalDesc(grown, spec), nReductions: 2, nCells: 5 };
    const net = buildNetwork(desc, { seed: 4, auxTower: true });
    const x = randomBatch(desc, 2, 8);
    let logits: Float32Array;
    let weights;
    try {
      net.loadWeights(perturbed(net.getWeights(), 5), desc);
      const withTower = net.getWeights();
      weights = withoutAuxTower(withTower);
      expect(weights.specs.length, 'the tower had weights').toBeLessThan(withTower.specs.length);
      const out = net.forward(x, false);
      logits = (await out.logits.data()) as Float32Array;
      out.logits.dispose();
      out.auxLogits?.dispose();
    } finally {
      net.dispose();
    }
    const model = buildLayersModel(desc, weights);
    const y = model.predict(x) as tf.Tensor;
    expect(maxAbsDiff((await y.data()) as Float32Array, logits) / Math.max(1, ...Array.from(logits, Math.abs)), 'layers logits, relative to their scale').toBeLessThan(1e-5);
    const trainable = model.trainableWeights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
    expect(trainable).toBe(countCost(desc).params);
    y.dispose();
    model.dispose();

    const session = await ort.InferenceSession.create(exportOnnx(desc, weights));
    const { height, width, channels } = desc.input;
    const out = await session.run({ input: new ort.Tensor('float32', (await x.data()) as Float32Array, [2, height, width, channels]) });
    await session.release();
    const rel = maxAbsDiff(out.logits?.data as Float32Array, logits) / Math.max(1, ...Array.from(logits, Math.abs));
    expect(rel, 'ONNX logits, relative to their scale').toBeLessThan(1e-4);
    x.dispose();
  });
});
