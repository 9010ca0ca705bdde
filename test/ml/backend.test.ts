// Backend selection: the fallback chain and its reason, and the real WebGPU backend through Dawn in Node.

import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { onDeviceLost, selectBackend } from '../../src/ml/backend.ts';
import { enableNodeWebgpu } from '../../src/ml/node-webgpu.ts';
import { TEST_BACKENDS } from './backends.ts';

describe('selectBackend', () => {
  it('falls back to cpu and says why when there is no navigator.gpu', async () => {
    const info = await selectBackend({ order: ['webgpu', 'cpu'] });
    expect(info).toEqual({ backend: 'cpu', fallbackReason: expect.stringMatching(/navigator\.gpu/), adapter: null, chosenBy: 'asked' });
    expect(tf.getBackend()).toBe('cpu');
  });

  afterEach(() => vi.unstubAllGlobals());

  // A browser with no GPU whose WebGPU is SwiftShader: by default the cpu backend is taken (it trains faster),
  // without touching the WebGPU backend, and the adapter passed over is reported.
  for (const [label, info] of [
    ['a fallback adapter', { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true }],
    ['an adapter naming SwiftShader without the flag', { vendor: 'google', architecture: '', description: 'SwiftShader device (Subzero)' }],
  ] as const) {
    it(`takes cpu by default on ${label}, and webgpu only when asked`, async () => {
      const requestAdapter = vi.fn(async () => ({ info }));
      vi.stubGlobal('navigator', { gpu: { requestAdapter } });
      const chosen = await selectBackend();
      expect(chosen).toMatchObject({ backend: 'cpu', chosenBy: 'software-webgpu', fallbackReason: expect.stringMatching(/software emulation/) });
      expect(chosen.adapter).toMatchObject({ vendor: 'google' });
      expect(tf.getBackend()).toBe('cpu');
      expect(requestAdapter).toHaveBeenCalledTimes(1);
    });
  }

  it('without an adapter the default order falls through to cpu with the plain reason', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => null } });
    const chosen = await selectBackend();
    expect(chosen).toMatchObject({ backend: 'cpu', chosenBy: 'default', adapter: null, fallbackReason: expect.stringMatching(/returned no adapter/) });
  });

  it('honours the preferred order and rejects an empty one', async () => {
    expect((await selectBackend({ order: ['cpu'] })).fallbackReason).toMatch(/not in the preferred order/);
    await expect(selectBackend({ order: [] })).rejects.toThrow(/empty/);
  });

  it.runIf(TEST_BACKENDS.includes('webgpu'))('picks webgpu once Node has Dawn, with the adapter described', async () => {
    expect(await enableNodeWebgpu()).toBe(true);
    // Dawn in Node is SwiftShader, a software adapter: the default order would take cpu, so ask for webgpu.
    const info = await selectBackend({ order: ['webgpu'] });
    expect(info.backend).toBe('webgpu');
    expect(info.chosenBy).toBe('asked');
    expect(info.fallbackReason).toBeNull();
    expect(info.adapter).toMatchObject({ architecture: 'swiftshader', isFallbackAdapter: true });
    expect(tf.getBackend()).toBe('webgpu');
    const unsubscribe = onDeviceLost(() => undefined);
    expect(typeof unsubscribe).toBe('function');
    unsubscribe();
  });
});
