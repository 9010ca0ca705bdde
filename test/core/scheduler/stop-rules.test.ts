// Each stop rule fires on its own and only past its limit.

import { describe, expect, it } from 'vitest';
import { continueLimits, stopReason } from '../../../src/core/scheduler/stop-rules.ts';

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

describe('continueLimits', () => {
  it('raises the reached pool size and time by their own amount, drops an exceeded cost limit, keeps the rest', () => {
    const pool = [{ id: 'a', madd: 10 }, { id: 'b', madd: 50 }];
    expect(continueLimits({ maxMadd: 40, maxPoolSize: 2, maxSeconds: 100 }, pool, 100.4)).toEqual({ maxMadd: null, maxPoolSize: 4, maxSeconds: 201 });
    expect(continueLimits({ maxMadd: 60, maxPoolSize: 5, maxSeconds: null }, pool, 100)).toEqual({ maxMadd: 60, maxPoolSize: 5, maxSeconds: null });
    const raised = continueLimits({ maxMadd: 40, maxPoolSize: 2, maxSeconds: 100 }, pool, 100);
    expect(stopReason(raised, pool, 100)).toBeNull();
  });
});
