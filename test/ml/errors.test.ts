import { describe, expect, it } from 'vitest';
import { classifyError, JobCancelledError, NanLossError, NonFiniteMetricError } from '../../src/ml/errors.ts';
import { jobErrorText } from '../../src/runtime/workers/worker-pool.ts';

describe('classifyError', () => {
  it('recognises the trainer’s own errors, also after crossing a worker boundary as plain messages', () => {
    expect(classifyError(new JobCancelledError())).toBe('cancelled');
    expect(classifyError(new NanLossError(2, 5, NaN))).toBe('nan');
    expect(new NanLossError(2, 5, NaN).message).toBe('non-finite training loss NaN at epoch 2, batch 5');
    expect(classifyError({ message: 'non-finite training loss Infinity at epoch 1, batch 1' })).toBe('nan');
    const val = new NonFiniteMetricError('validation loss', 3, Infinity);
    expect(val.message).toBe('non-finite validation loss Infinity at epoch 3');
    expect(classifyError(val)).toBe('nan');
    expect(classifyError({ message: 'non-finite validation accuracy NaN at epoch 1' })).toBe('nan');
    expect(jobErrorText(val)).toBe('diverged: non-finite validation loss Infinity at epoch 3');
    expect(jobErrorText(new NanLossError(1, 2, NaN))).toMatch(/^NaN loss: /);
  });
  it('maps TF.js and WebGPU messages', () => {
    expect(classifyError(new Error('Failed to allocate memory for texture'))).toBe('oom');
    expect(classifyError(new Error('GPUOutOfMemoryError: Out of memory'))).toBe('oom');
    expect(classifyError(new RangeError('Array buffer allocation failed'))).toBe('oom');
    expect(classifyError(new Error('Requested buffer size (3000000000) exceeds the max buffer size'))).toBe('oom');
    expect(classifyError(new Error('GPU device was lost: reason destroyed'))).toBe('device-lost');
    expect(classifyError('WebGL context lost.')).toBe('device-lost');
    expect(classifyError(new Error('Error in conv2d: depth of input must match'))).toBe('other');
    expect(classifyError(42)).toBe('other');
  });
});
