// The headless runner's backend choice: `--backend auto` passes a software WebGPU adapter over for cpu, as the
// page does, and says so in one line; `--backend webgpu` keeps it. The adapter is injected (a stubbed
// navigator.gpu), so no GPU is needed; the last test uses the real Dawn on SwiftShader where it is installed.

import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chooseNodeBackend, describeBackend, nodeBackendPrefs, softwareSkipNote, type NodeWebgpu } from '../../src/cli/backend.ts';
import { TEST_BACKENDS } from '../ml/backends.ts';

/** A WebGPU whose only adapter reports `info`, as Dawn's would once enabled. */
function injectAdapter(info: Record<string, unknown>): { webgpu: NodeWebgpu; requestAdapter: ReturnType<typeof vi.fn> } {
  const requestAdapter = vi.fn(async () => ({ info }));
  const webgpu: NodeWebgpu = {
    enable: async () => {
      vi.stubGlobal('navigator', { gpu: { requestAdapter } });
      return true;
    },
    failureReason: () => null,
  };
  return { webgpu, requestAdapter };
}

describe('chooseNodeBackend', () => {
  afterEach(() => vi.unstubAllGlobals());

  for (const [label, info] of [
    ['a fallback adapter', { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true }],
    ['an adapter naming SwiftShader without the flag', { vendor: 'google', architecture: '', description: 'SwiftShader device (Subzero)' }],
  ] as const) {
    it(`auto passes ${label} over for cpu and prints one line saying so`, async () => {
      const { webgpu, requestAdapter } = injectAdapter(info);
      const chosen = await chooseNodeBackend('auto', webgpu);
      expect(chosen).toMatchObject({ backend: 'cpu', chosenBy: 'software-webgpu', adapter: { vendor: 'google' } });
      expect(tf.getBackend()).toBe('cpu');
      expect(requestAdapter).toHaveBeenCalledTimes(1);
      expect(softwareSkipNote(chosen)).toMatch(/^auto: the only WebGPU adapter is a software one \(google .*\), so the cpu backend is used; pass --backend webgpu to use it anyway$/);
      expect(describeBackend(chosen)).toBe('cpu (a software WebGPU adapter was passed over)');
    });
  }

  it('auto tries a hardware adapter: it is not passed over, and nothing is said about software', async () => {
    // The stub cannot create a device, so WebGPU fails and cpu follows, but only after the adapter was tried.
    const { webgpu } = injectAdapter({ vendor: 'nvidia', architecture: 'hopper', isFallbackAdapter: false });
    const chosen = await chooseNodeBackend('auto', webgpu);
    expect(chosen.chosenBy).toBe('default');
    expect(chosen.fallbackReason).toMatch(/tf.setBackend\("webgpu"\) failed|did not register/);
    expect(softwareSkipNote(chosen)).toBeNull();
  });

  it('maps --backend onto the order and the pass-over: only auto skips a software adapter', () => {
    expect(nodeBackendPrefs('auto')).toEqual({ order: ['webgpu', 'cpu'], skipSoftwareWebgpu: true });
    expect(nodeBackendPrefs('webgpu')).toEqual({ order: ['webgpu'], skipSoftwareWebgpu: false });
    expect(nodeBackendPrefs('cpu')).toEqual({ order: ['cpu'], skipSoftwareWebgpu: false });
  });

  it('webgpu without an adapter fails with the reason; auto falls back to cpu with it', async () => {
    const none: NodeWebgpu = { enable: async () => false, failureReason: () => 'Dawn found no WebGPU adapter' };
    await expect(chooseNodeBackend('webgpu', none)).rejects.toThrow(/--backend webgpu: Dawn found no WebGPU adapter/);
    const chosen = await chooseNodeBackend('auto', none);
    expect(chosen).toMatchObject({ backend: 'cpu', fallbackReason: 'Dawn found no WebGPU adapter' });
    expect(softwareSkipNote(chosen)).toBeNull();
  });

  it.runIf(TEST_BACKENDS.includes('webgpu'))('on Dawn over SwiftShader: auto takes cpu, webgpu uses the software adapter anyway', async () => {
    const auto = await chooseNodeBackend('auto');
    expect(auto).toMatchObject({ backend: 'cpu', chosenBy: 'software-webgpu', adapter: { isFallbackAdapter: true } });
    expect(tf.getBackend()).toBe('cpu');
    const asked = await chooseNodeBackend('webgpu');
    expect(asked).toMatchObject({ backend: 'webgpu', chosenBy: 'asked', adapter: { architecture: 'swiftshader' } });
    expect(tf.getBackend()).toBe('webgpu');
    expect(describeBackend(asked)).toMatch(/^webgpu on google swiftshader.*\(software adapter, slower than the cpu backend\)$/);
    expect(softwareSkipNote(asked)).toBeNull();
  });
});
