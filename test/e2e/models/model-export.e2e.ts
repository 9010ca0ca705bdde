// The model panel end to end: a tiny search to 2 points, open a point, see its cell drawing, run the quick
// check, download the model zip, then load it in a page with plain tf.loadLayersModel and get the app's
// probabilities on the same raw test images; then download it as ONNX and run that with ONNX Runtime.
import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, saveLogs, type Session } from '../helpers/browser.ts';
import { checkScreen } from '../helpers/screen-check.ts';

describe('model panel: export as a standard TF.js layers model', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseUrl'));
  });
  afterAll(async () => {
    saveLogs('model-export', s.logs);
    await s.close();
  });

  it('shows a point, checks it on test images, and its download loads with tf.loadLayersModel', async () => {
    const { page } = s;
    const points = page.getByTestId('pool-point');
    await page.goto('/?backends=webgpu&maxPoolSize=2');
    await expect.poll(() => page.getByTestId('backend-name').textContent(), { timeout: 120_000 }).toBe('webgpu');
    await page.getByTestId('dataset-mnist').check();
    await page.getByTestId('preset-select').selectOption('tiny');
    await page.getByTestId('start-button').click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 600_000, interval: 1000 }).toMatch(/finished/);
    expect(await points.count()).toBe(2);

    await points.nth(0).hover();
    await expect.poll(() => page.getByTestId('plot-tooltip').textContent()).toMatch(/test acc \d+\.\d%/);
    await points.nth(0).click();
    const panel = page.getByTestId('model-panel');
    await panel.waitFor({ timeout: 10_000 });
    await expect.poll(() => panel.getByTestId('cell-graph').count()).toBeGreaterThanOrEqual(1);
    expect(await panel.getByTestId('cell-graph').first().locator('text').count()).toBeGreaterThan(3);
    await expect(panel.getByTestId('lineage').locator('li').count()).resolves.toBeGreaterThanOrEqual(1);
    await expect(panel.getByTestId('model-test-acc').textContent()).resolves.toMatch(/^\d+\.\d% \(100 test images\)$/);

    await panel.getByTestId('quick-check').click();
    const predictions = panel.getByTestId('prediction');
    await predictions.nth(7).waitFor({ timeout: 120_000 });
    await panel.scrollIntoViewIfNeeded();
    expect(await checkScreen(page, 'model-export-panel')).toEqual([]);
    // The app's probabilities and the raw pixels it drew (R of the grey canvases) for the same 8 images.
    const app = await predictions.evaluateAll((els) => els.map((el) => {
      const canvas = el.querySelector('canvas') as HTMLCanvasElement;
      const data = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, canvas.width, canvas.height).data;
      return { probs: JSON.parse(el.getAttribute('data-probs') ?? '[]') as number[], pixels: Array.from(data.filter((_, i) => i % 4 === 0)) };
    }));
    expect(app).toHaveLength(8);
    for (const a of app) expect(a.probs.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 4);

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), panel.getByTestId('download-model').click()]);
    const files = unzipSync(new Uint8Array(readFileSync(await download.path())));
    expect(Object.keys(files).sort()).toEqual(['README-tfjs.txt', 'model.json', 'weights.bin']);
    const readme = strFromU8(files['README-tfjs.txt'] as Uint8Array);
    expect(readme).toContain('RAW pixel values 0-255');
    expect(readme).toContain('tf.loadLayersModel');

    // Serve the unzipped files on a fake same-origin path to a page that only has TF.js.
    await s.context.route('**/exported-model/*', (route) => {
      const name = new URL(route.request().url()).pathname.split('/').at(-1) ?? '';
      const body = files[name];
      if (!body) return route.fulfill({ status: 404 });
      return route.fulfill({ status: 200, body: Buffer.from(body), contentType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
    });
    const checker = await s.context.newPage();
    await checker.goto('/check-model.html');
    await checker.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 60_000 });
    const pixels = app.flatMap((a) => a.pixels);
    const side = Math.sqrt(app[0]?.pixels.length ?? 0);
    const loaded = await checker.evaluate(
      ([px, n, h]) => (window as unknown as { checkModel: (u: string, p: number[], sh: number[]) => Promise<number[][]> })
        .checkModel('/exported-model/model.json', px, [n, h, h, 1]),
      [pixels, app.length, side] as [number[], number, number],
    );
    expect(loaded).toHaveLength(8);
    let worst = 0;
    loaded.forEach((row, k) => row.forEach((v, c) => (worst = Math.max(worst, Math.abs(v - (app[k]?.probs[c] ?? NaN))))));
    expect(worst, 'max |p_loaded − p_app|').toBeLessThan(1e-3);
    await checker.close();

    // The ONNX download, built in the page, run by ONNX Runtime (WebAssembly, here in Node) on the same pixels.
    const [onnxDownload] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), panel.getByTestId('download-onnx').click()]);
    expect(onnxDownload.suggestedFilename()).toMatch(/-onnx\.zip$/);
    const onnxFiles = unzipSync(new Uint8Array(readFileSync(await onnxDownload.path())));
    expect(Object.keys(onnxFiles).sort()).toEqual(['README-onnx.txt', 'model.onnx']);
    expect(strFromU8(onnxFiles['README-onnx.txt'] as Uint8Array)).toMatch(/InferenceSession[\s\S]*onnxruntime/);
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(onnxFiles['model.onnx'] as Uint8Array);
    const out = await session.run({ pixels: new ort.Tensor('float32', Float32Array.from(pixels), [app.length, side, side, 1]) });
    await session.release();
    const onnxProbs = out.probabilities?.data as Float32Array;
    expect(onnxProbs).toHaveLength(8 * (app[0]?.probs.length ?? 0));
    let worstOnnx = 0;
    app.forEach((a, k) => a.probs.forEach((p, c) => (worstOnnx = Math.max(worstOnnx, Math.abs((onnxProbs[k * a.probs.length + c] ?? NaN) - p)))));
    expect(worstOnnx, 'max |p_onnx − p_app|').toBeLessThan(1e-3);

    expect(s.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
    expect(s.logs.filter((l) => /Content Security Policy|unsafe-eval/i.test(l)), 'no CSP violation').toEqual([]);
  });
});
