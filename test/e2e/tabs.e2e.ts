// Two tabs of one browser on the same run: only one drives it (Web Locks), the other shows it read-only and
// says why; when another tab upgrades the database, the driving tab closes its connection, stops saving and
// says to reload instead of failing with a bare error.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, saveLogs, saveScreenshot, type Session } from './browser.ts';

describe('several tabs', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseUrl'));
  });
  afterAll(async () => {
    saveLogs('tabs', s.logs);
    await s.close();
  });

  it('an open blocked by an older release in another tab says to close that tab, and goes on when it does', async () => {
    // The other tab: an older release (schema version 1) holding the database open without closing it for an
    // upgrade. A page of the same origin without the app (its icon) stands in for it.
    const old = s.page;
    await old.goto('/favicon.svg');
    await old.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const request = indexedDB.open('petridish', 1);
          request.onupgradeneeded = () => {
            const db = request.result;
            db.createObjectStore('runs', { keyPath: 'id' });
            db.createObjectStore('jobs', { keyPath: 'id' }).createIndex('byRun', 'runId');
            db.createObjectStore('points', { keyPath: 'id' }).createIndex('byRun', 'runId');
            db.createObjectStore('weights');
            db.createObjectStore('checkpoints', { keyPath: 'jobId' });
            db.createObjectStore('datasets', { keyPath: 'id' });
            db.createObjectStore('meta');
          };
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            (globalThis as { oldConnection?: IDBDatabase }).oldConnection = request.result;
            resolve();
          };
        }),
    );
    const page = await s.context.newPage();
    await page.goto('/');
    await expect.poll(() => page.getByTestId('db-note').textContent(), { timeout: 60_000 }).toMatch(/older version of the database open.*Close or reload that tab/);
    await saveScreenshot(page, 'tabs-0-blocked');
    await old.evaluate(() => (globalThis as { oldConnection?: IDBDatabase }).oldConnection?.close());
    // The upgrade goes on: the note goes and the database is at the app's version (an open without a version
    // waits for the upgrade to end).
    await page.getByTestId('db-note').waitFor({ state: 'detached', timeout: 60_000 });
    const version = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const request = indexedDB.open('petridish');
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            resolve(request.result.version);
            request.result.close();
          };
        }),
    );
    expect(version).toBeGreaterThan(1);
    expect(await page.getByTestId('problems').count()).toBe(0);
    await page.close();
  });

  it('one tab drives a run, the other shows it read-only and says why; an upgrade elsewhere says to reload', async () => {
    const first = s.page;
    await first.goto('/?maxPoolSize=50');
    await expect.poll(() => first.getByTestId('backend-name').textContent(), { timeout: 120_000 }).toBe('webgpu');
    await first.getByTestId('dataset-mnist').check();
    await first.getByTestId('preset-select').selectOption('tiny');
    await first.getByTestId('start-button').click();
    await first.getByTestId('pause-button').waitFor({ timeout: 120_000 });

    // The second tab offers the running run for resuming; resuming it there finds the first tab's lock.
    const second = await s.context.newPage();
    await second.goto('/');
    await second.getByTestId('resume-run').click({ timeout: 60_000 });
    await expect.poll(() => second.getByTestId('run-status').textContent(), { timeout: 60_000 }).toMatch(/Read-only/);
    await expect.poll(() => second.getByTestId('lock-note').textContent()).toMatch(/open in another tab of this browser, which drives it \(its search and final trainings\)/);
    expect(await second.getByTestId('pause-button').count()).toBe(0);
    // Live: the second tab reads what the first one saves (its training clock moves on).
    await expect.poll(() => second.getByTestId('run-status').textContent(), { timeout: 120_000 }).not.toMatch(/· 0 s of training/);
    expect(await first.getByTestId('pause-button').count()).toBe(1);
    await saveScreenshot(second, 'tabs-1-read-only');

    // A newer release in the second tab opens the database one version up: nothing blocks it, and the first
    // tab closes its connection, pauses the run and says to reload.
    const upgraded = await second.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const request = indexedDB.open('petridish', 99);
          request.onblocked = () => resolve('blocked');
          request.onerror = () => resolve(`error ${String(request.error)}`);
          request.onsuccess = () => {
            request.result.close();
            resolve('opened');
          };
        }),
    );
    expect(upgraded).toBe('opened');
    await expect.poll(() => first.getByTestId('db-note').textContent(), { timeout: 30_000 }).toMatch(/Reload this page/);
    await expect.poll(() => first.getByTestId('run-status').textContent(), { timeout: 30_000 }).toMatch(/paused \(not saved\)/);
    await expect.poll(() => first.getByTestId('storage-fault').textContent()).toMatch(/database was closed/);
    // Resuming here could not save either: the page offers only the reload.
    expect(await first.getByTestId('resume-button').count()).toBe(0);
    await saveScreenshot(first, 'tabs-2-reload');
    expect(s.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
