// A database handle that fails chosen write transactions, to test what a run does when the browser dies
// between two writes (every later write fails) or one write hits a full quota or an abort.

import type { PetridishDb } from '../../../src/persistence/database/db.ts';

export type Fault = 'abort' | 'quota';

export interface FaultPlan {
  /** The fault for the n-th write transaction (1-based), or null to let it through. */
  fault(n: number): Fault | null;
}

export interface FaultyDb {
  db: PetridishDb;
  /** Write transactions opened so far. */
  writes(): number;
  /** What each faulted write was asked to store: the store names of its transaction. */
  faulted: { n: number; stores: string[] }[];
}

function quotaStore<T extends object>(store: T): T {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'put' || prop === 'add') {
        return () => {
          throw new DOMException('the quota has been exceeded', 'QuotaExceededError');
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** Wraps `db` so that write transaction n gets `plan.fault(n)`: aborted at once, or every put failing on quota. */
export function faultyDb(db: PetridishDb, plan: FaultPlan): FaultyDb {
  let n = 0;
  const faulted: FaultyDb['faulted'] = [];
  const wrapped = new Proxy(db, {
    get(target, prop) {
      if (prop === 'transaction') {
        return (stores: string | string[], mode?: IDBTransactionMode, opts?: IDBTransactionOptions) => {
          const tx = (target.transaction as (...a: unknown[]) => { abort(): void; objectStore(name: string): object; store?: object })(stores, mode, opts);
          if (mode !== 'readwrite') return tx;
          n += 1;
          const fault = plan.fault(n);
          if (fault === null) return tx;
          faulted.push({ n, stores: Array.isArray(stores) ? stores : [stores] });
          if (fault === 'abort') {
            tx.abort();
            return tx;
          }
          return new Proxy(tx, {
            get(t, p) {
              if (p === 'objectStore') return (name: string) => quotaStore(t.objectStore(name));
              if (p === 'store') return quotaStore(t.store as object);
              const v = Reflect.get(t, p, t) as unknown;
              return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
            },
          });
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { db: wrapped, writes: () => n, faulted };
}
