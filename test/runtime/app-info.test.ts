// The URL test hooks: each is read only when well-formed, so a normal visit (or a mistyped one) has none.
import { describe, expect, it } from 'vitest';
import { readTestHooks } from '../../src/runtime/app-info.ts';

describe('readTestHooks', () => {
  it('reads the checkpoint interval (0 = after every batch but an epoch\'s last) and ignores bad values', () => {
    expect(readTestHooks('?checkpointMs=0').checkpointIntervalMs).toBe(0);
    expect(readTestHooks('?checkpointMs=250&journal=1')).toMatchObject({ checkpointIntervalMs: 250, journal: true });
    for (const bad of ['', '?checkpointMs=', '?checkpointMs=-1', '?checkpointMs=1.5', '?checkpointMs=soon']) {
      expect(readTestHooks(bad).checkpointIntervalMs, bad).toBeUndefined();
    }
  });
});
