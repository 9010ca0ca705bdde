// Each stop rule fires on its own and only past its limit.

import { describe, expect, it } from 'vitest';
import { stopReason } from '../../src/core/stop-rules.ts';

const none = { maxMadd: null, maxPoolSize: null, maxSeconds: null };
const pool = [
  { id: 'p1', madd: 100 },
  { id: 'p2', madd: 250 },
];

describe('stopReason', () => {
  it('is null without limits', () => {
    expect(stopReason(none, pool, 1e9)).toBeNull();
  });

  it('fires on any point above maxMadd (strictly)', () => {
    expect(stopReason({ ...none, maxMadd: 250 }, pool, 0)).toBeNull();
    expect(stopReason({ ...none, maxMadd: 200 }, pool, 0)).toMatch(/^maxMadd: pool point p2/);
  });

  it('fires when the pool reaches maxPoolSize', () => {
    expect(stopReason({ ...none, maxPoolSize: 3 }, pool, 0)).toBeNull();
    expect(stopReason({ ...none, maxPoolSize: 2 }, pool, 0)).toMatch(/^maxPoolSize/);
  });

  it('fires when the running time reaches maxSeconds', () => {
    expect(stopReason({ ...none, maxSeconds: 60 }, pool, 59.9)).toBeNull();
    expect(stopReason({ ...none, maxSeconds: 60 }, pool, 60)).toMatch(/^maxSeconds/);
  });
});
