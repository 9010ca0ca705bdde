// Validation and defaults of the scheduler's configuration.

import type { SchedulerConfig } from './types.ts';

export const DEFAULT_MAX_ATTEMPTS = 2;
export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 10;

export function maxAttemptsOf(config: SchedulerConfig): number {
  return config.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
}

export function maxFailuresOf(config: SchedulerConfig): number {
  return config.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES;
}

function positiveInt(value: number | undefined, field: string): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
    throw new RangeError(`SchedulerConfig.${field} must be an integer ≥ 1, got ${value}`);
  }
}

function nullableNonNegative(value: number | null, field: string): void {
  if (value !== null && !(Number.isFinite(value) && value >= 0)) {
    throw new RangeError(`SchedulerConfig.${field} must be null or a finite number ≥ 0, got ${value}`);
  }
}

/** Throws on the first field that cannot drive a search, naming it. */
export function checkConfig(config: SchedulerConfig): void {
  if (typeof config.runId !== 'string' || config.runId.length === 0) {
    throw new RangeError(`SchedulerConfig.runId must be a non-empty string, got ${JSON.stringify(config.runId)}`);
  }
  if (config.strategy !== 'petridish' && config.strategy !== 'random') {
    throw new RangeError(`SchedulerConfig.strategy must be 'petridish' or 'random', got ${JSON.stringify(config.strategy)}`);
  }
  positiveInt(config.workers, 'workers');
  positiveInt(config.numClasses, 'numClasses');
  positiveInt(config.maxAttempts, 'maxAttempts');
  positiveInt(config.maxConsecutiveFailures, 'maxConsecutiveFailures');
  nullableNonNegative(config.budgetMadd, 'budgetMadd');
  const { preset } = config;
  if (!(Number.isFinite(preset.eps) && preset.eps >= 0)) {
    throw new RangeError(`SchedulerConfig.preset.eps must be a finite number ≥ 0, got ${preset.eps}`);
  }
  nullableNonNegative(preset.maxMadd, 'preset.maxMadd');
  nullableNonNegative(preset.maxPoolSize, 'preset.maxPoolSize');
  nullableNonNegative(preset.maxSeconds, 'preset.maxSeconds');
}
