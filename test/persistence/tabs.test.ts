// Several tabs on one database: a connection closes itself (and says so) when another tab upgrades the
// schema, and an open blocked by an older connection says so at once instead of waiting in silence.

import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { wrap } from 'idb';
import { describe, expect, it } from 'vitest';
import { DB_VERSION, openPetridishDb } from '../../src/persistence/database/db.ts';
import { migrate, type UpgradeDb, type UpgradeTx } from '../../src/persistence/database/migrations.ts';
import { putRun } from '../../src/persistence/repositories/run-repo.ts';
import { makeRun } from './persistence-fixtures.ts';

describe('several tabs', () => {
  it("closes this tab's connection on another tab's upgrade, says so, and later writes fail clearly", async () => {
    const factory = new IDBFactory();
    let told = 0;
    const db = await openPetridishDb({ name: 'tabs', factory, onVersionChange: () => (told += 1) });
    await putRun(db, makeRun('r1'));
    // The other tab: a newer release opens the database one version up.
    const other = factory.open('tabs', DB_VERSION + 1);
    let blocked = false;
    other.onblocked = () => (blocked = true);
    const upgraded = await new Promise<IDBDatabase>((resolve, reject) => {
      other.onsuccess = () => resolve(other.result);
      other.onerror = () => reject(other.error);
    });
    expect(blocked).toBe(false);
    expect(told).toBe(1);
    await expect(putRun(db, makeRun('r2'))).rejects.toThrow(/InvalidStateError|closed|connection/i);
    upgraded.close();
  });

  it('an upgrade blocked by an older connection says so at once, and opens when that tab lets go', async () => {
    const factory = new IDBFactory();
    // The other tab: an old release holding version 1 open, without closing on versionchange.
    const request = factory.open('old', 1);
    request.addEventListener('upgradeneeded', () => {
      void migrate(wrap(request.result) as unknown as UpgradeDb, wrap(request.transaction as IDBTransaction) as unknown as UpgradeTx, 0, 1);
    });
    const old = await wrap(request);
    if (!old) throw new Error("the old connection did not open");
    let blockedCalls = 0;
    let opened = false;
    let toldBlocked: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (toldBlocked = resolve));
    const opening = openPetridishDb({
      name: 'old',
      factory,
      onBlocked: () => {
        blockedCalls += 1;
        toldBlocked();
      },
    }).then((db) => {
      opened = true;
      return db;
    });
    await blocked;
    expect(opened).toBe(false);
    old.close();
    const db = await opening;
    expect(blockedCalls).toBe(1);
    expect(db.version).toBe(DB_VERSION);
    db.close();
  });
});
