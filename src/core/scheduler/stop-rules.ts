// When a search ends (spec §3.5, plus a running-time limit): the first rule reached gives the reason.

export interface StopLimits {
  /** Stop once any pool point costs more than this many MAdd. */
  maxMadd: number | null;
  /** Stop once the pool holds at least this many points. */
  maxPoolSize: number | null;
  /** Stop once the search has been running this long (paused time excluded). */
  maxSeconds: number | null;
}

/** The reason the search should stop now, or null. Reasons start with the rule's name. */
export function stopReason(
  limits: StopLimits,
  pool: readonly { id: string; madd: number }[],
  elapsedSeconds: number,
): string | null {
  const { maxMadd, maxPoolSize, maxSeconds } = limits;
  if (maxMadd !== null) {
    const over = pool.find((p) => p.madd > maxMadd);
    if (over !== undefined) return `maxMadd: pool point ${over.id} has ${over.madd} MAdd > ${maxMadd}`;
  }
  if (maxPoolSize !== null && pool.length >= maxPoolSize) {
    return `maxPoolSize: the pool has ${pool.length} points ≥ ${maxPoolSize}`;
  }
  if (maxSeconds !== null && elapsedSeconds >= maxSeconds) {
    return `maxSeconds: the search ran ${Math.round(elapsedSeconds)} s ≥ ${maxSeconds} s`;
  }
  return null;
}

/**
 * The limits to continue an ended run with: a pool size or running time already reached is raised by the
 * same amount again (6 points → 6 more), a cost limit already exceeded is removed; the others are kept.
 */
export function continueLimits(
  limits: StopLimits,
  pool: readonly { id: string; madd: number }[],
  elapsedSeconds: number,
): StopLimits {
  const { maxMadd, maxPoolSize, maxSeconds } = limits;
  return {
    maxMadd: maxMadd !== null && pool.some((p) => p.madd > maxMadd) ? null : maxMadd,
    maxPoolSize: maxPoolSize !== null && pool.length >= maxPoolSize ? pool.length + maxPoolSize : maxPoolSize,
    maxSeconds: maxSeconds !== null && elapsedSeconds >= maxSeconds ? Math.ceil(elapsedSeconds) + maxSeconds : maxSeconds,
  };
}
