// Storage quota handling: ask the browser to keep our data, report usage, and turn a full disk into one
// clear error that says nothing already saved was lost.

export interface StorageUsage {
  usage: number;
  quota: number;
}

function storageManager(): StorageManager | null {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  return nav?.storage ?? null;
}

/** Asks for persistent storage so the browser does not evict a long search; false when refused or unsupported. */
export async function requestPersistence(): Promise<boolean> {
  const storage = storageManager();
  if (!storage?.persist) return false;
  if (storage.persisted && (await storage.persisted())) return true;
  try {
    return await storage.persist();
  } catch {
    return false;
  }
}

/** Bytes used and available to this origin, or null where the browser does not say. */
export async function storageEstimate(): Promise<StorageUsage | null> {
  const storage = storageManager();
  if (!storage?.estimate) return null;
  try {
    const est = await storage.estimate();
    return { usage: est.usage ?? 0, quota: est.quota ?? 0 };
  } catch {
    return null;
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

export class QuotaExceededError extends Error {
  override readonly name = 'QuotaExceededError';
  readonly usage: StorageUsage | null;

  constructor(what: string, usage: StorageUsage | null = null, options?: { cause?: unknown }) {
    const used = usage ? ` (${formatBytes(usage.usage)} of ${formatBytes(usage.quota)} used)` : '';
    super(
      `Browser storage is full${used}: ${what} was not saved. Everything saved before is intact. ` +
        'Delete old runs or cached datasets to free space, then try again.',
      options,
    );
    this.usage = usage;
  }
}

/** True for the quota errors browsers raise (the standard name, legacy code 22, Firefox's own name). */
export function isQuotaError(e: unknown): boolean {
  if (e instanceof QuotaExceededError) return true;
  if (typeof e !== 'object' || e === null) return false;
  const { name, code } = e as { name?: unknown; code?: unknown };
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22;
}

/** Maps a quota failure of a write to the clear error (with current usage when known); other errors pass through. */
export async function mapQuotaError(e: unknown, what: string): Promise<unknown> {
  if (!isQuotaError(e) || e instanceof QuotaExceededError) return e;
  return new QuotaExceededError(what, await storageEstimate(), { cause: e });
}
