// The setup screen's one "how big a search" choice: a time budget (the default) or one of the fixed presets.
import type { PresetName } from '../../core/training/training-config.ts';

export type SizeChoice = `budget:${'10' | '60' | '240' | 'custom'}` | Exclude<PresetName, 'budget'>;

export const BUDGET_OPTIONS: { value: SizeChoice; label: string }[] = [
  { value: 'budget:10', label: '10 minutes' },
  { value: 'budget:60', label: 'an hour' },
  { value: 'budget:240', label: 'an evening (4 hours)' },
  { value: 'budget:custom', label: 'a number of minutes…' },
];

export const PRESET_OPTIONS: Exclude<PresetName, 'budget'>[] = ['tiny', 'standard', 'paper', 'ecv2022'];

export const DEFAULT_SIZE_CHOICE: SizeChoice = 'budget:10';

/**
 * The budget in minutes of a choice, or null for a preset. `custom` is the text of the minutes field; a
 * custom value that is not a positive number throws an error that says so.
 */
export function budgetMinutes(choice: SizeChoice, custom: string): number | null {
  if (!choice.startsWith('budget:')) return null;
  const v = choice.slice('budget:'.length);
  if (v !== 'custom') return Number(v);
  const n = Number(custom.trim());
  if (custom.trim() === '' || !Number.isFinite(n) || n <= 0) throw new Error(`Minutes: "${custom}" is not a positive number of minutes`);
  return n;
}

/** "10 minutes", "1.5 minutes", "an hour". */
export function describeBudget(minutes: number): string {
  if (minutes === 60) return 'an hour';
  if (minutes % 60 === 0 && minutes > 60) return `${minutes / 60} hours`;
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
