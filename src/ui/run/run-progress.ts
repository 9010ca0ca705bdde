// The run screen's progress to the nearest stop rule, kept out of the component so it can be tested in Node.

import type { SearchPreset } from '../../core/training/training-config.ts';

/**
 * The fraction (0 to 1) of the nearest stop rule a run has reached: its pool against `maxPoolSize`, its search
 * time (seconds) against `maxSeconds`, its costliest model (multiply-adds) against `maxMadd`; null when it has
 * none of these rules, or when it was imported from a file (`imported`), which holds its models but not its
 * search time or its progress, so there is nothing to measure.
 */
export function stopProgress(
  state: { pool: readonly { madd: number }[]; elapsedSeconds: number },
  preset: Pick<SearchPreset, 'maxPoolSize' | 'maxSeconds' | 'maxMadd'>,
  imported: boolean,
): number | null {
  if (imported) return null;
  const parts: number[] = [];
  if (preset.maxPoolSize) parts.push(state.pool.length / preset.maxPoolSize);
  if (preset.maxSeconds) parts.push(state.elapsedSeconds / preset.maxSeconds);
  if (preset.maxMadd) parts.push(Math.max(0, ...state.pool.map((p) => p.madd)) / preset.maxMadd);
  return parts.length ? Math.min(1, Math.max(...parts)) : null;
}
