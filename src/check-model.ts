// Test-only page entry: loads an exported model with plain tf.loadLayersModel (no app code, no custom
// layers) and predicts on raw pixels, so the e2e test can compare it with the app's own predictions.
import * as tf from '@tensorflow/tfjs';

async function checkModel(modelUrl: string, pixels: number[], shape: number[]): Promise<number[][]> {
  await tf.setBackend('cpu');
  const model = await tf.loadLayersModel(modelUrl);
  try {
    const x = tf.tensor4d(pixels, shape as [number, number, number, number]);
    const y = model.predict(x) as tf.Tensor;
    const out = (await y.array()) as number[][];
    tf.dispose([x, y]);
    return out;
  } finally {
    model.dispose();
  }
}

declare global {
  interface Window {
    checkModel?: typeof checkModel;
  }
}
window.checkModel = checkModel;
document.body.dataset.ready = 'true';
