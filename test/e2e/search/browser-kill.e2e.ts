// Progress that survives a killed browser: the whole Chromium (every process of it) is SIGKILLed while a job
// of a tiny search is between two checkpoints, and started again on the same profile folder. Checked from the
// stored records (IndexedDB, and the app's job journal kept there in the same transaction as what it records):
// nothing stored before the kill is lost, the interrupted job is the first to start after the resume, and
// the search then completes with one point and one set of weights per finished job.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { launchKillable, saveLogs, type KillableBrowser } from '../helpers/browser.ts';
import { checkScreen } from '../helpers/screen-check.ts';

interface Stored {
  runs: { id: string; status: string }[];
  jobs: { id: string; status: string }[];
  points: { id: string; jobId: string; weightsKey: string }[];
  weightKeys: string[];
  checkpoints: { jobId: string; epoch: number; position?: { batch: number } }[];
  journal: string[];
}

/** Everything the search stored, read straight from the app's IndexedDB in one read-only transaction. */
function readStored(page: Page): Promise<Stored> {
  return page.evaluate(
    () =>
      new Promise<Stored>((resolve, reject) => {
        const open = indexedDB.open('petridish');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['runs', 'jobs', 'points', 'weights', 'checkpoints', 'meta'], 'readonly');
          const runs = tx.objectStore('runs').getAll();
          const jobs = tx.objectStore('jobs').getAll();
          const points = tx.objectStore('points').getAll();
          const weightKeys = tx.objectStore('weights').getAllKeys();
          const checkpoints = tx.objectStore('checkpoints').getAll();
          const journal = tx.objectStore('meta').getAll(IDBKeyRange.bound('journal:', 'journal:\uffff'));
          tx.oncomplete = () => {
            db.close();
            resolve({
              runs: runs.result,
              jobs: jobs.result,
              points: points.result,
              weightKeys: weightKeys.result.map(String),
              // Only what identifies the checkpoint: its weights are megabytes.
              checkpoints: checkpoints.result.map((c: { jobId: string; epoch: number; position?: { batch: number } }) => ({ jobId: c.jobId, epoch: c.epoch, position: c.position })),
              journal: (journal.result as string[][]).flat(),
            });
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

/** Jobs the journal shows started and not committed: the ones a kill interrupted. */
function startedNotDone(journal: string[]): string[] {
  const open = new Set<string>();
  for (const entry of journal) {
    const [type, jobId] = entry.split(':') as [string, string];
    if (type === 'start') open.add(jobId);
    if (type === 'done') open.delete(jobId);
  }
  return [...open];
}

const ids = (xs: { id: string }[]): string[] => xs.map((x) => x.id).sort();

let b: KillableBrowser | null = null;
const profiles: string[] = [];
afterEach(async () => {
  await b?.kill();
  b = null;
  for (const p of profiles.splice(0)) rmSync(p, { recursive: true, force: true });
});

describe('a killed browser', () => {
  it('continues the interrupted job first after a relaunch, loses nothing stored, and completes the search', async () => {
    const base = inject('baseUrl');
    const profile = mkdtempSync(join(tmpdir(), 'petridish-kill-'));
    profiles.push(profile);
    // A checkpoint after every batch but an epoch's last: the kill lands between two of them.
    const app = `${base}/?backends=webgpu&maxPoolSize=2&journal=1&checkpointMs=0`;

    b = await launchKillable(profile);
    let page = b.page;
    await page.goto(app);
    await expect.poll(() => page.getByTestId('backend-name').textContent(), { timeout: 120_000 }).toBe('webgpu');
    await page.getByTestId('dataset-mnist').check();
    await page.getByTestId('preset-select').selectOption('tiny');
    await page.getByTestId('start-button').click();
    await page.getByTestId('run-status').waitFor({ timeout: 120_000 });

    // The moment: a job's checkpoint inside its epoch is stored and its result is not. Read in the same
    // transaction as the check, and the browser is killed at once.
    let before: Stored | null = null;
    let victim = '';
    for (;;) {
      const now = await readStored(page);
      const finished = new Set(now.points.map((p) => p.jobId));
      const mid = now.checkpoints.find((c) => c.position !== undefined && !finished.has(c.jobId));
      if (mid) {
        before = now;
        victim = mid.jobId;
        break;
      }
      if (now.runs.some((r) => r.status === 'finished')) throw new Error('the search finished before any job stored a checkpoint inside an epoch');
    }
    await b.kill();
    b = null;

    // Same profile, a fresh browser. First a page of the app's origin without the app (its icon), so the
    // stored records are read exactly as the kill left them.
    b = await launchKillable(profile);
    page = b.page;
    await page.goto(`${base}/favicon.svg`);
    const after = await readStored(page);
    expect(after.runs.map((r) => r.status)).toEqual(['running']);
    for (const id of ids(before.points)) expect(ids(after.points)).toContain(id);
    for (const id of ids(before.jobs)) expect(ids(after.jobs)).toContain(id);
    for (const key of before.weightKeys) expect(after.weightKeys).toContain(key);
    expect(after.journal.slice(0, before.journal.length)).toEqual(before.journal);
    const interrupted = startedNotDone(after.journal);
    expect(interrupted, `the job with the checkpoint inside its epoch (${victim}) was still running at the kill`).toEqual([victim]);
    expect(after.checkpoints.find((c) => c.jobId === victim)?.position).toBeDefined();

    // Resume: the interrupted job starts first, and the search completes.
    await page.goto(app);
    await page.getByTestId('resume-run').click({ timeout: 180_000 });
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 600_000, interval: 1000 }).toMatch(/finished/);
    expect(await checkScreen(page, 'browser-kill-finished')).toEqual([]);
    const end = await readStored(page);

    expect(end.journal.slice(0, after.journal.length)).toEqual(after.journal);
    const firstStart = end.journal.slice(after.journal.length).find((e) => e.startsWith('start:'));
    expect(firstStart, 'the first job started after the resume').toBe(`start:${victim}`);
    // Nothing lost: every point, job and set of weights stored before the kill is still there.
    for (const id of ids(after.points)) expect(ids(end.points)).toContain(id);
    for (const id of ids(after.jobs)) expect(ids(end.jobs)).toContain(id);
    for (const key of after.weightKeys) expect(end.weightKeys).toContain(key);
    // Complete: two points (the pool size asked for), one per finished job, each with its weights; no job failed or was left behind.
    expect(end.runs.map((r) => r.status)).toEqual(['finished']);
    expect(end.points).toHaveLength(2);
    expect(new Set(end.points.map((p) => p.jobId)).size).toBe(end.points.length);
    for (const p of end.points) expect(end.weightKeys).toContain(p.weightsKey);
    expect(end.jobs.find((j) => j.id === victim)?.status).toBe('done');
    expect(end.jobs.filter((j) => j.status === 'failed')).toEqual([]);
    expect(startedNotDone(end.journal)).toEqual([]);
    const done = end.journal.filter((e) => e.startsWith('done:'));
    expect(new Set(done).size).toBe(done.length);
    expect(end.checkpoints).toEqual([]);
    expect(b.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
    saveLogs('browser-kill', b.logs);
  });
});
