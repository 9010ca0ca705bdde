import { afterEach, describe, expect, it } from 'vitest';
import { openRunSignal, type RunSignal } from '../../../src/runtime/run/run-signal.ts';

describe('openRunSignal', () => {
  const opened: RunSignal[] = [];
  afterEach(() => {
    for (const s of opened.splice(0)) s.close();
  });

  it("tells the other tabs which run was saved, never the sender itself", async () => {
    const heardA: string[] = [];
    const heardB: string[] = [];
    const a = openRunSignal((id) => heardA.push(id));
    const b = openRunSignal((id) => heardB.push(id));
    opened.push(a, b);
    expect(a.available).toBe(true);
    const arrived = new Promise<void>((resolve) => {
      const c = openRunSignal(() => resolve());
      opened.push(c);
    });
    a.saved('run-1');
    await arrived;
    await expect.poll(() => heardB).toEqual(['run-1']);
    expect(heardA).toEqual([]);
  });

  it('ignores messages that are not its own, and sends nothing once closed', async () => {
    const heard: string[] = [];
    const listener = openRunSignal((id) => heard.push(id));
    const sender = openRunSignal(() => undefined);
    opened.push(listener);
    const raw = new BroadcastChannel('petridish-runs');
    raw.postMessage({ type: 'other', runId: 'x' });
    raw.postMessage('saved');
    sender.close();
    sender.saved('run-2');
    sender.close();
    // A message sent after those: once it is heard, the earlier ones were (and were dropped).
    raw.postMessage({ type: 'saved', runId: 'last' });
    await expect.poll(() => heard).toEqual(['last']);
    raw.close();
  });

  it('without BroadcastChannel it says so and does nothing', () => {
    const s = openRunSignal(() => undefined, null);
    expect(s.available).toBe(false);
    s.saved('run-3');
    s.close();
  });
});
