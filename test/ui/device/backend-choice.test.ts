// The device panel's words for the backend choice: a software WebGPU adapter passed over for the CPU is said
// plainly with a way back to WebGPU, and no "much slower" warning is shown for it.
import { describe, expect, it } from 'vitest';
import type { AdapterSummary, BackendInfo } from '../../../src/ml/backend-types.ts';
import { describeBackendChoice, withBackends } from '../../../src/ui/device/backend-choice.ts';

const swiftshader: AdapterSummary = { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true };
const gpu: AdapterSummary = { vendor: 'nvidia', architecture: 'ampere', device: '', description: '', isFallbackAdapter: false };

describe('describeBackendChoice', () => {
  it('says a software WebGPU was passed over for the CPU, and offers WebGPU with the other parameters kept', () => {
    const info: BackendInfo = { backend: 'cpu', fallbackReason: 'the only WebGPU adapter is a software emulation', adapter: swiftshader, chosenBy: 'software-webgpu' };
    const c = describeBackendChoice(info, '?maxPoolSize=2');
    expect(c.note).toBe("Your browser's WebGPU here is a software emulation, slower than the CPU backend, so training runs on the CPU.");
    expect(c.note).not.toMatch(/much slower|not used/);
    expect(c.tone).toBe('info');
    expect(c.other).toEqual({ label: 'Use WebGPU anyway', href: '?maxPoolSize=2&backends=webgpu' });
  });

  it('offers the CPU when WebGPU on a software adapter was asked for', () => {
    const c = describeBackendChoice({ backend: 'webgpu', fallbackReason: null, adapter: swiftshader, chosenBy: 'asked' }, '?backends=webgpu');
    expect(c.note).toMatch(/software emulation, slower than the CPU/);
    expect(c.other).toEqual({ label: 'Use the CPU instead', href: '?backends=cpu' });
  });

  it('says nothing when a GPU trains', () => {
    expect(describeBackendChoice({ backend: 'webgpu', fallbackReason: null, adapter: gpu, chosenBy: 'default' }, '')).toEqual({ note: null, tone: 'info', other: null });
  });

  it('names the asked order without calling the CPU slower, and offers the default', () => {
    const c = describeBackendChoice({ backend: 'cpu', fallbackReason: 'webgpu not in the preferred order', adapter: null, chosenBy: 'asked' }, '?backends=cpu');
    expect(c.note).toBe('WebGPU not used: webgpu not in the preferred order (the address asks for cpu). Training runs on the CPU.');
    expect(c.other?.href).toBe('?');
  });

  it('warns when WebGPU failed on the default order', () => {
    const c = describeBackendChoice({ backend: 'webgl', fallbackReason: 'navigator.gpu is not available', adapter: null, chosenBy: 'default' }, '');
    expect(c.note).toBe('WebGPU not used: navigator.gpu is not available. Training runs on WebGL, slower than on a GPU.');
    expect(c.tone).toBe('warn');
  });

  it('withBackends sets or removes only the backends parameter', () => {
    expect(withBackends('?a=1&backends=cpu', 'webgpu')).toBe('?a=1&backends=webgpu');
    expect(withBackends('?a=1&backends=cpu', null)).toBe('?a=1');
  });
});
