// Backend selection on a hardware WebGPU adapter: the default order tries WebGPU on it (only a software
// adapter is passed over for cpu), in a file of its own so the WebGPU package is imported under the stub alone.
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { selectBackend } from '../../src/ml/backend.ts';
import { isSoftwareAdapter, type AdapterSummary } from '../../src/ml/backend-types.ts';

afterEach(() => vi.unstubAllGlobals());

const adapter = (a: Partial<AdapterSummary>): AdapterSummary => ({ vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: false, ...a });

describe('a hardware WebGPU adapter', () => {
  it('is not a software emulation; SwiftShader and fallback adapters are', () => {
    expect(isSoftwareAdapter(adapter({ vendor: 'nvidia', architecture: 'ampere' }))).toBe(false);
    expect(isSoftwareAdapter(adapter({ vendor: 'apple', architecture: 'metal-3', description: 'Apple M2' }))).toBe(false);
    expect(isSoftwareAdapter(adapter({ vendor: 'intel', architecture: 'gen-12lp', description: 'ANGLE (Intel, Mesa Intel(R) Xe Graphics)' }))).toBe(false);
    expect(isSoftwareAdapter(adapter({ vendor: 'google', architecture: 'swiftshader' }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ description: 'SwiftShader Device (Subzero)' }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ vendor: 'mesa', isFallbackAdapter: true }))).toBe(true);
  });

  it('is tried by default: WebGPU fails here for its own reason, not passed over as software', async () => {
    const requestAdapter = vi.fn(async () => ({ info: { vendor: 'nvidia', architecture: 'ampere' }, isFallbackAdapter: false }));
    vi.stubGlobal('navigator', { gpu: { requestAdapter } });
    const chosen = await selectBackend();
    // The stub can describe itself but create no device, so WebGPU fails to start and the default order goes on
    // to cpu (Node registers no WebGL): tried and failed, where a software adapter is never tried.
    expect(chosen).toMatchObject({ backend: 'cpu', chosenBy: 'default', adapter: null });
    expect(chosen.fallbackReason).toMatch(/^(the webgpu backend did not register|tf\.setBackend\("webgpu"\) failed)/);
    expect(chosen.fallbackReason).not.toMatch(/software/);
    expect(tf.getBackend()).toBe('cpu');
  });
});
