import { describe, expect, it } from 'vitest';
import { formatSeconds, formatTestAcc } from '../../src/ui/format.ts';

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

describe('formatTestAcc', () => {
  it('says the accuracy, how many examples and where from, or that it was not measured', () => {
    expect(formatTestAcc({ testAcc: 0.9123, testCount: 2000, testSource: 'test' })).toBe('91.2% (2k test images)');
    expect(formatTestAcc({ testAcc: 0.88, testCount: 180, testSource: 'held-out' })).toBe('88.0% (180 held out)');
    expect(formatTestAcc({})).toBe('not measured');
    expect(formatTestAcc({ testAcc: null, testCount: null, testSource: null })).toBe('not measured');
  });
});
