// Backend selection: the fallback chain and its reason, and the real WebGPU backend through Dawn in Node.

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { onDeviceLost, selectBackend } from '../../src/ml/backend.ts';
import { enableNodeWebgpu } from '../../src/ml/node-webgpu.ts';
import { TEST_BACKENDS } from './backends.ts';

describe('selectBackend', () => {
  it('falls back to cpu and says why when there is no navigator.gpu', async () => {
    const info = await selectBackend({ order: ['webgpu', 'cpu'] });
    expect(info).toEqual({ backend: 'cpu', fallbackReason: expect.stringMatching(/navigator\.gpu/), adapter: null });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('honours the preferred order and rejects an empty one', async () => {
    expect((await selectBackend({ order: ['cpu'] })).fallbackReason).toMatch(/not in the preferred order/);
    await expect(selectBackend({ order: [] })).rejects.toThrow(/empty/);
  });

  it.runIf(TEST_BACKENDS.includes('webgpu'))('picks webgpu once Node has Dawn, with the adapter described', async () => {
    expect(await enableNodeWebgpu()).toBe(true);
    const info = await selectBackend();
    expect(info.backend).toBe('webgpu');
    expect(info.fallbackReason).toBeNull();
    expect(info.adapter).toMatchObject({ architecture: 'swiftshader', isFallbackAdapter: true });
    expect(tf.getBackend()).toBe('webgpu');
    const unsubscribe = onDeviceLost(() => undefined);
    expect(typeof unsubscribe).toBe('function');
    unsubscribe();
  });
});
