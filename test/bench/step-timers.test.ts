// The benchmark's step timers free every tensor they make: after each, tf.memory().numTensors is back at its
// baseline (the plain tf.layers model's labels and its optimiser's momentum included).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { matmulFlops, oursImagesPerSecond, oursStepSpeed, plainImagesPerSecond } from '../../bench/throughput/step-timers.ts';
import { validateDesc } from '../../src/core/space/validate-desc.ts';

// The seed reference architecture at 8×8, two images a batch: only the bookkeeping is under test.
const reference = validateDesc(JSON.parse(readFileSync('bench/reference-archs/seed.json', 'utf8')));
const desc = { ...reference, input: { ...reference.input, height: 8, width: 8 } };

describe('bench/throughput/step-timers.ts on the cpu backend', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });

  const timers: [string, () => Promise<unknown>][] = [
    ['plainImagesPerSecond', () => plainImagesPerSecond(desc, 2, 1)],
    ['oursImagesPerSecond', () => oursImagesPerSecond(desc, 2, 1)],
    ['oursStepSpeed', () => oursStepSpeed(desc, 2, 1)],
    ['matmulFlops', () => matmulFlops(8, 2)],
  ];
  it.each(timers)('%s leaves tf.memory().numTensors at its baseline', async (_name, timer) => {
    const baseline = tf.memory().numTensors;
    const out = await timer();
    expect(out).toBeDefined();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
