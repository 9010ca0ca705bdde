// Durations in words and the warning for a search longer than a browser tab stays open: long presets
// (paper, ecv2022) on a slow device read in years, not thousands of days.
import { describe, expect, it } from 'vitest';
import { describeDuration, TAB_LIFETIME_SECONDS, tooLongWarning } from '../../../src/core/budget/estimate.ts';

const DAY = 86_400;
const YEAR = 365 * DAY;

describe('describeDuration', () => {
  it('says minutes, hours and days below two years', () => {
    expect(describeDuration(59)).toBe('under a minute');
    expect(describeDuration(180)).toBe('about 3 min');
    expect(describeDuration(9000)).toBe('about 2.5 h');
    expect(describeDuration(2 * DAY)).toBe('about 2 days');
    expect(describeDuration(2 * YEAR - DAY)).toBe('about 729 days');
  });

  it('says years from two years on', () => {
    expect(describeDuration(2 * YEAR)).toBe('about 2 years');
    // The paper preset's estimate on a slow CPU: 2484 days.
    expect(describeDuration(2484 * DAY)).toBe('about 7 years');
    expect(describeDuration(100 * YEAR)).toBe('about 100 years');
  });
});

describe('tooLongWarning', () => {
  it('warns only beyond a week', () => {
    expect(TAB_LIFETIME_SECONDS).toBe(7 * DAY);
    expect(tooLongWarning(7 * DAY)).toBeNull();
    expect(tooLongWarning(3600)).toBeNull();
    expect(tooLongWarning(7 * DAY + 1)).toBe('That is far longer than a browser tab can be expected to stay open: choose a smaller preset or a time budget.');
    expect(tooLongWarning(2484 * DAY)).not.toBeNull();
  });
});
