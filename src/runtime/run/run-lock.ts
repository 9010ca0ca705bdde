// One tab drives a run at a time: an exclusive Web Lock per run id (navigator.locks), held while the run is
// open for driving. Another tab that asks for it is told no at once and shows the run read-only.

export interface RunLock {
  /** Lets the lock go (the run was closed here). Safe to call more than once. */
  release(): void;
}

export type LockResult = { lock: RunLock } | { heldElsewhere: true } | { unsupported: true };

/** The lock's name for a run. */
export function runLockName(runId: string): string {
  return `petridish-run:${runId}`;
}

/**
 * Takes the run's lock if no other tab holds it, without waiting. `locks` defaults to `navigator.locks`;
 * where the browser has none the result says so (the caller may drive the run, unguarded).
 */
export async function acquireRunLock(runId: string, locks: LockManager | undefined = globalThis.navigator?.locks): Promise<LockResult> {
  if (!locks) return { unsupported: true };
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const granted = await new Promise<boolean>((resolve, reject) => {
    locks
      .request(runLockName(runId), { mode: 'exclusive', ifAvailable: true }, async (lock) => {
        resolve(lock !== null);
        // Holding the lock = keeping this callback's promise pending until release.
        if (lock !== null) await held;
      })
      .catch(reject);
  });
  if (!granted) return { heldElsewhere: true };
  return { lock: { release: () => release() } };
}
