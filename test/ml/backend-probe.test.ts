// The page's look at the device before any trainer worker starts: the same choice as selectBackend, without
// TF.js (the software-adapter pass-over, an order asked for, webgl only where a context can be made).
import { describe, expect, it, vi } from 'vitest';
import { probeBackend, type ProbeEnv } from '../../src/ml/backend-probe.ts';

const SWIFTSHADER = { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true };
const GPU = { vendor: 'nvidia', architecture: 'ampere', description: 'RTX' };

function env(adapterInfo: object | null, webgl = true): ProbeEnv & { requestAdapter: ReturnType<typeof vi.fn> } {
  const requestAdapter = vi.fn(async () => (adapterInfo ? { info: adapterInfo } : null));
  return { gpu: { requestAdapter }, hasWebgl: () => webgl, requestAdapter };
}

describe('probeBackend', () => {
  it('by default takes webgpu on a hardware adapter, and cpu over a software one, as the worker does', async () => {
    expect(await probeBackend(undefined, env(GPU))).toMatchObject({ backend: 'webgpu', chosenBy: 'default', fallbackReason: null, probed: true, adapter: { vendor: 'nvidia' } });
    expect(await probeBackend(undefined, env(SWIFTSHADER))).toMatchObject({
      backend: 'cpu', chosenBy: 'software-webgpu', probed: true, adapter: { architecture: 'swiftshader', isFallbackAdapter: true },
      fallbackReason: expect.stringMatching(/software emulation/),
    });
  });

  it('keeps an order asked for: webgpu on a software adapter, webgl only where a context can be made', async () => {
    expect(await probeBackend({ order: ['webgpu'] }, env(SWIFTSHADER))).toMatchObject({ backend: 'webgpu', chosenBy: 'asked' });
    expect(await probeBackend({ order: ['webgl', 'cpu'] }, env(GPU))).toMatchObject({ backend: 'webgl', chosenBy: 'asked', fallbackReason: 'webgpu not in the preferred order' });
    const noGl = env(GPU, false);
    expect(await probeBackend({ order: ['webgl', 'cpu'] }, noGl)).toMatchObject({ backend: 'cpu', chosenBy: 'asked' });
    expect(noGl.requestAdapter).not.toHaveBeenCalled();
  });

  it('falls through without WebGPU or without an adapter, saying why', async () => {
    expect(await probeBackend(undefined, { gpu: null, hasWebgl: () => false })).toMatchObject({ backend: 'cpu', fallbackReason: expect.stringMatching(/navigator\.gpu/) });
    expect(await probeBackend(undefined, env(null))).toMatchObject({ backend: 'webgl', fallbackReason: expect.stringMatching(/returned no adapter/) });
  });

  it('rejects an empty order, and an order none of whose backends is there', async () => {
    await expect(probeBackend({ order: [] }, env(GPU))).rejects.toThrow(/empty/);
    await expect(probeBackend({ order: ['webgpu', 'webgl'] }, { gpu: null, hasWebgl: () => false })).rejects.toThrow(/none of \[webgpu, webgl\].*navigator\.gpu/);
  });
});
