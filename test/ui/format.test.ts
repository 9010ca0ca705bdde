import { describe, expect, it } from 'vitest';
import { formatSeconds } from '../../src/ui/format.ts';

describe('formatSeconds', () => {
  it('rounds the whole duration before splitting it, so no part reads 60', () => {
    expect(formatSeconds(59.4)).toBe('59 s');
    expect(formatSeconds(59.6)).toBe('1 min 0 s');
    expect(formatSeconds(179.6)).toBe('3 min 0 s');
    expect(formatSeconds(125.2)).toBe('2 min 5 s');
    expect(formatSeconds(3599.4)).toBe('59 min 59 s');
    expect(formatSeconds(3599.6)).toBe('1 h 0 min');
    expect(formatSeconds(7170)).toBe('2 h 0 min');
    expect(formatSeconds(3 * 3600 + 29 * 60 + 40)).toBe('3 h 30 min');
  });

  it('shows a dash for what is not a duration', () => {
    expect(formatSeconds(Number.NaN)).toBe('–');
    expect(formatSeconds(-1)).toBe('–');
    expect(formatSeconds(0)).toBe('0 s');
  });
});
