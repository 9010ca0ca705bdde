// Two tabs of one browser on the same run: only one drives it (Web Locks), the other shows it read-only, says
// why, starts no trainer worker and says when it cannot re-read the run; an ended run only viewed holds no
// lock, the tab that ran a search lets the lock go when it ends, a final training runs only in the tab that
// took the lock to start it, and a tab viewing an ended run re-reads what another tab saves; when another
// tab upgrades the database, the driving tab closes its connection, stops saving and says to reload instead
// of failing with a bare error.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, saveLogs, type Session } from '../helpers/browser.ts';
import { checkScreen } from '../helpers/screen-check.ts';

/** The names of the run locks held in this browser (every tab's; Web Locks are per origin). */
async function heldRunLocks(page: Page): Promise<string[]> {
  return page.evaluate(async () => ((await navigator.locks.query()).held ?? []).map((l) => l.name ?? '').filter((n) => n.startsWith('petridish-run:')));
}

/** Starts a `tiny` search on MNIST on WebGPU in `page`, stopping at `maxPoolSize` models. */
async function startTinyRun(page: Page, maxPoolSize: number): Promise<void> {
  await page.goto(`/?backends=webgpu&maxPoolSize=${maxPoolSize}`);
  await expect.poll(() => page.getByTestId('backend-name').textContent(), { timeout: 120_000 }).toBe('webgpu');
  await page.getByTestId('dataset-mnist').check();
  await page.getByTestId('preset-select').selectOption('tiny');
  await page.getByTestId('start-button').click();
}

/** The trainer workers a tab has started and not stopped (the dataset and benchmark workers are not counted). */
function trainers(page: Page): number {
  return page.workers().filter((w) => /trainer/.test(w.url())).length;
}

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
    await page.goto('/?backends=webgpu');
    await expect.poll(() => page.getByTestId('db-note').textContent(), { timeout: 60_000 }).toMatch(/older version of the database open.*Close or reload that tab/);
    expect(await checkScreen(page, 'tabs-0-blocked')).toEqual([]);
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

  it('an ended run viewed in two tabs holds no lock; a final training takes it, and runs only in that tab', async () => {
    const a = await s.context.newPage();
    await startTinyRun(a, 2);
    await expect.poll(() => a.getByTestId('run-status').textContent(), { timeout: 300_000, interval: 1000 }).toMatch(/finished/);
    // Both tabs open the finished run to look at it: neither holds it, so neither is told another tab drives it.
    const openRun = async (page: Page): Promise<void> => {
      await page.goto('/?backends=webgpu');
      await page.getByTestId('run-row').first().getByRole('button', { name: 'Open' }).click({ timeout: 60_000 });
      await page.getByTestId('final-panel').waitFor({ timeout: 60_000 });
    };
    await openRun(a);
    const b = await s.context.newPage();
    await openRun(b);
    await b.getByTestId('final-start').waitFor();
    expect(await a.getByTestId('lock-note').count()).toBe(0);
    expect(await b.getByTestId('lock-note').count()).toBe(0);

    // A final training started in b takes the run's lock there.
    await b.getByTestId('final-width').fill('4');
    await b.getByTestId('final-epochs').fill('30');
    await b.getByTestId('final-start').click();
    await expect.poll(() => b.getByTestId('final-progress').textContent(), { timeout: 120_000 }).toMatch(/batch [1-9]/);
    // a cannot start one now: it says why, turns read-only and keeps no trainer worker.
    await a.getByTestId('final-start').click();
    await expect.poll(() => a.getByTestId('lock-note').textContent(), { timeout: 30_000 }).toMatch(/open in another tab of this browser, which drives it/);
    await expect.poll(() => a.getByTestId('problems').textContent()).toMatch(/final training is not available in this tab: another tab of this browser drives this run/);
    await expect.poll(() => trainers(a), { timeout: 30_000 }).toBe(0);

    // Opened afresh while b's final training runs, a lists it (read from storage) but never runs it itself.
    await a.goto('/?backends=webgpu');
    await a.getByTestId('run-row').first().getByRole('button', { name: 'Open' }).click({ timeout: 60_000 });
    await expect.poll(() => a.getByTestId('lock-note').textContent(), { timeout: 60_000 }).toMatch(/open in another tab/);
    await expect.poll(() => a.getByTestId('final-status').getAttribute('data-status'), { timeout: 60_000 }).toBe('running');
    const progress = await b.getByTestId('final-progress').textContent();
    await expect.poll(() => b.getByTestId('final-progress').textContent(), { timeout: 120_000 }).not.toBe(progress);
    expect(trainers(a)).toBe(0);
    expect(await a.getByTestId('final-progress').count()).toBe(0);
    expect(trainers(b)).toBe(1);
    expect(await checkScreen(a, 'tabs-1-final-elsewhere')).toEqual([]);
    await a.close();
    await b.close();
  });

  it('the tab that ran a search lets its lock go when it ends; a tab viewing it re-reads what another tab saves', async () => {
    const a = await s.context.newPage();
    await startTinyRun(a, 2);
    await a.getByTestId('pause-button').waitFor({ timeout: 120_000 });
    // While the search runs, its tab holds the run's lock.
    expect(await heldRunLocks(a)).toHaveLength(1);
    await expect.poll(() => a.getByTestId('run-status').textContent(), { timeout: 300_000, interval: 1000 }).toMatch(/finished/);
    // Ended, and still open there: the lock is let go, and the run stays drivable there (Continue), not read-only.
    await expect.poll(() => heldRunLocks(a), { timeout: 30_000 }).toEqual([]);
    expect(await a.getByTestId('run-status').textContent()).not.toMatch(/Read-only/);
    expect(await a.getByTestId('continue-button').count()).toBe(1);

    // c views the ended run; b opens it and starts a final training, which takes the lock there.
    const openRun = async (page: Page): Promise<void> => {
      await page.goto('/?backends=webgpu');
      await page.getByTestId('run-row').first().getByRole('button', { name: 'Open' }).click({ timeout: 60_000 });
      await page.getByTestId('final-panel').waitFor({ timeout: 60_000 });
    };
    const c = await s.context.newPage();
    await openRun(c);
    const b = await s.context.newPage();
    await openRun(b);
    expect(await c.getByTestId('final-row').count()).toBe(0);
    // The trainer worker starts only when a job needs it: a page that loads, shows its device and opens a run
    // to view has none; the device panel names the backend it will take.
    expect(trainers(b)).toBe(0);
    expect(trainers(c)).toBe(0);
    expect(await b.getByTestId('backend-name').textContent()).toBe('webgpu');
    expect(await b.getByTestId('trainer-idle').textContent()).toMatch(/starts when a measurement, a search, a final training/);
    await b.getByTestId('final-width').fill('4');
    await b.getByTestId('final-epochs').fill('2');
    await b.getByTestId('final-start').click();
    await expect.poll(() => b.getByTestId('final-progress').textContent(), { timeout: 120_000 }).toMatch(/batch [1-9]/);
    expect(await b.getByTestId('lock-note').count()).toBe(0);
    expect(await heldRunLocks(b)).toHaveLength(1);
    expect(trainers(b)).toBe(1);
    expect(await b.getByTestId('trainer-idle').count()).toBe(0);

    // c, never reloaded, lists b's training as soon as b saves it.
    await expect.poll(() => c.getByTestId('final-status').getAttribute('data-status'), { timeout: 60_000 }).toBe('running');
    // a cannot start one meanwhile: it says why and turns read-only (acf3dad: final trainings run only in the
    // tab that holds the lock).
    await a.getByTestId('final-start').click();
    await expect.poll(() => a.getByTestId('lock-note').textContent(), { timeout: 30_000 }).toMatch(/open in another tab of this browser, which drives it/);
    await expect.poll(() => a.getByTestId('problems').textContent()).toMatch(/final training is not available in this tab: another tab of this browser drives this run/);
    await expect.poll(() => a.getByTestId('run-status').textContent()).toMatch(/Read-only/);
    expect(await a.getByTestId('continue-button').count()).toBe(0);

    // b's training ends: b lets the lock go, and c shows the result b saved, without a reload.
    await expect.poll(() => b.getByTestId('final-status').getAttribute('data-status'), { timeout: 180_000, interval: 1000 }).toBe('done');
    await expect.poll(() => heldRunLocks(b), { timeout: 30_000 }).toEqual([]);
    await expect.poll(() => c.getByTestId('final-status').getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(await c.getByTestId('final-test-acc').textContent()).toBe(await b.getByTestId('final-test-acc').textContent());
    expect(await c.getByTestId('final-test-acc').textContent()).toMatch(/% on 100/);
    expect(await c.getByTestId('lock-note').count()).toBe(0);
    expect(await c.getByTestId('follow-note').count()).toBe(0);
    expect(trainers(c)).toBe(0);
    expect(await checkScreen(c, 'tabs-2-reread-final')).toEqual([]);
    await a.close();
    await b.close();
    await c.close();
  });

  it('one tab drives a run, the other shows it read-only and says why; an upgrade elsewhere says to reload', async () => {
    const first = s.page;
    await startTinyRun(first, 50);
    await first.getByTestId('pause-button').waitFor({ timeout: 120_000 });

    // The second tab offers the running run for resuming; resuming it there finds the first tab's lock.
    const second = await s.context.newPage();
    await second.goto('/?backends=webgpu');
    await second.getByTestId('resume-run').click({ timeout: 60_000 });
    await expect.poll(() => second.getByTestId('run-status').textContent(), { timeout: 60_000 }).toMatch(/Read-only/);
    await expect.poll(() => second.getByTestId('lock-note').textContent()).toMatch(/open in another tab of this browser, which drives it \(its search and final trainings\)/);
    expect(await second.getByTestId('pause-button').count()).toBe(0);
    // It trains nothing, so it starts no trainer worker.
    expect(trainers(second)).toBe(0);
    expect(trainers(first)).toBeGreaterThan(0);
    // Live: the second tab reads what the first one saves (its training clock moves on).
    await expect.poll(() => second.getByTestId('run-status').textContent(), { timeout: 120_000 }).not.toMatch(/search time 0 s/);
    expect(await first.getByTestId('pause-button').count()).toBe(1);
    expect(await checkScreen(second, 'tabs-3-read-only')).toEqual([]);

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
    expect(await checkScreen(first, 'tabs-4-reload')).toEqual([]);
    // The read-only tab closed its connection too: its next re-read of the run fails, and it says so.
    await expect.poll(() => second.getByTestId('follow-note').textContent(), { timeout: 30_000 }).toMatch(/could not be re-read at .*may be out of date/);
    expect(trainers(second)).toBe(0);
    expect(s.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
