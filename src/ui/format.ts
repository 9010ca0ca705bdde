// Short human formats for counts, durations, bytes and percentages shown in the page.

export function formatCount(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${trim(n / 1e9)}G`;
  if (a >= 1e6) return `${trim(n / 1e6)}M`;
  if (a >= 1e3) return `${trim(n / 1e3)}k`;
  return trim(n);
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} KiB`;
  return `${n} B`;
}

/** A duration in seconds as "42 s", "2 min 5 s" or "1 h 3 min"; rounds the whole duration first, so 179.6 s is "3 min 0 s". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '–';
  const seconds = Math.round(s);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  const minutes = Math.round(s / 60);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatPercent(v: number, digits = 1): string {
  return `${(v * 100).toFixed(digits)}%`;
}

/**
 * "91.2% (2k test images)", "88.0% (180 held out)" or "not measured" (points from before test accuracy),
 * for a point's test accuracy, which is shown only and never chooses anything.
 */
export function formatTestAcc(p: { testAcc?: number | null; testCount?: number | null; testSource?: 'test' | 'held-out' | null }): string {
  if (p.testAcc == null) return 'not measured';
  const n = p.testCount == null ? '' : ` (${formatCount(p.testCount)} ${p.testSource === 'held-out' ? 'held out' : 'test images'})`;
  return `${formatPercent(p.testAcc)}${n}`;
}

function trim(v: number): string {
  return Number(v.toPrecision(3)).toString();
}
