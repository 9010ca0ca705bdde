// The engine's resilience in real Chromium on WebGPU: a worker that crashes mid-job is replaced and its job
// retried; reloading the page at seeded random moments of a tiny search (each a stored event: a new checkpoint
// of a running job, or more journal entries) loses no point, duplicates none and
// never reruns a finished job (checked against IndexedDB and the app's job journal test hook, which the app
// writes to IndexedDB in the same transaction as what each entry records).
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openSession, saveLogs, type Session } from '../helpers/browser.ts';
import { checkScreen } from '../helpers/screen-check.ts';

let s: Session | null = null;
afterEach(async () => {
  await s?.close();
  s = null;
});

async function startTinySearch(page: Page, query: string): Promise<void> {
  await page.goto(`/?backends=webgpu&${query}`);
  await expect.poll(() => page.getByTestId('backend-name').textContent(), { timeout: 120_000 }).toBe('webgpu');
  await page.getByTestId('dataset-mnist').check();
  await page.getByTestId('preset-select').selectOption('tiny');
  await page.getByTestId('start-button').click();
  await page.getByTestId('run-status').waitFor({ timeout: 120_000 });
}

function pointIds(page: Page): Promise<string[]> {
  return page.getByTestId('pool-point').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
}

/** The run's stored points and jobs, read straight from the app's IndexedDB. */
interface StoredJob {
  id: string;
  status: string;
  attempt: number;
  batchSizeScale: number;
}

/** The run's stored points and jobs, and the job journal (`meta` entries `journal:<runId>`, concatenated). */
function storedRecords(page: Page): Promise<{ points: { id: string; jobId: string }[]; jobs: StoredJob[]; journal: string[] }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('petridish');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['points', 'jobs', 'meta'], 'readonly');
          const points = tx.objectStore('points').getAll();
          const jobs = tx.objectStore('jobs').getAll();
          const range = IDBKeyRange.bound('journal:', 'journal:\uffff');
          const journal = tx.objectStore('meta').getAll(range);
          tx.oncomplete = () => {
            open.result.close();
            resolve({ points: points.result, jobs: jobs.result, journal: (journal.result as string[][]).flat() });
          };
        };
      }),
  );
}

/** How far the run has got in storage: the journal's length and each stored checkpoint as `jobId@savedAt`. */
function progressMarks(page: Page): Promise<{ journal: number; checkpoints: string[] }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('petridish');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['checkpoints', 'meta'], 'readonly');
          const checkpoints = tx.objectStore('checkpoints').getAll();
          const journal = tx.objectStore('meta').getAll(IDBKeyRange.bound('journal:', 'journal:\uffff'));
          tx.oncomplete = () => {
            open.result.close();
            resolve({ journal: (journal.result as string[][]).flat().length,
              checkpoints: (checkpoints.result as { jobId: string; savedAt: number }[]).map((c) => `${c.jobId}@${c.savedAt}`) });
          };
        };
      }),
  );
}

/** A small seeded generator (mulberry32), so the reload moments are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('resilience', () => {
  it('retries the job of a worker that crashed mid-job, and the search completes', async () => {
    s = await openSession(inject('baseUrl'));
    const { page } = s;
    await startTinySearch(page, 'maxPoolSize=3&crashAfterBatches=1');
    const retried = page.getByTestId('job-row').filter({ hasText: '(try 2)' });
    await retried.first().waitFor({ timeout: 300_000 });
    expect(await checkScreen(page, 'resilience-1-retried')).toEqual([]);
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 600_000, interval: 1000 }).toMatch(/finished/);
    expect(await checkScreen(page, 'resilience-2-finished')).toEqual([]);
    const ids = await pointIds(page);
    expect(ids).toHaveLength(3);
    const { jobs } = await storedRecords(page);
    expect(jobs.filter((j) => j.status === 'failed')).toEqual([]);
    // The crashed first job was retried (second try, half the batch size) and finished.
    const first = jobs.find((j) => j.id.endsWith('-j0001'));
    expect(first).toMatchObject({ status: 'done', attempt: 2, batchSizeScale: 0.5 });
    saveLogs('resilience-crash', s.logs);
  });

  it('reloading at random moments loses no point, duplicates none and reruns no finished job', async () => {
    s = await openSession(inject('baseUrl'));
    const { page } = s;
    const random = seeded(20240611);
    // A checkpoint after every batch but an epoch's last, so a job (one epoch of two batches) stores one
    // mid-epoch, and a reload right after it continues from there.
    await startTinySearch(page, 'maxPoolSize=4&journal=1&checkpointMs=0');
    const seen = new Set<string>();
    for (let k = 0; k < 3; k++) {
      // The moment is a stored event, chosen by the seeded generator: right after a running job stores a new
      // checkpoint (mid-job), or right after 1–2 more journal entries (job starts and committed results).
      const before = await progressMarks(page);
      const midJob = random() < 0.5;
      const entries = 1 + Math.floor(random() * 2);
      await expect.poll(async () => {
        if (/finished/.test((await page.getByTestId('run-status').textContent()) ?? '')) return true;
        const now = await progressMarks(page);
        return midJob ? now.checkpoints.some((c) => !before.checkpoints.includes(c)) : now.journal >= before.journal + entries;
      }, { timeout: 300_000, interval: 200 }).toBe(true);
      for (const id of await pointIds(page)) seen.add(id);
      await page.reload();
      await page.getByTestId('run-row').first().waitFor({ timeout: 60_000 });
      if ((await page.getByTestId('resume-banner').count()) === 0) break;
      await page.getByTestId('resume-run').click({ timeout: 180_000 });
      await page.getByTestId('run-status').waitFor({ timeout: 60_000 });
    }
    expect(await checkScreen(page, 'resilience-3-reloaded')).toEqual([]);
    if ((await page.getByTestId('run-status').count()) === 0) await page.getByTestId('run-row').first().getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 600_000, interval: 1000 }).toMatch(/finished/);
    expect(await checkScreen(page, 'resilience-4-finished')).toEqual([]);

    const ids = await pointIds(page);
    expect(ids.length).toBeGreaterThanOrEqual(4);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of seen) expect(ids).toContain(id);
    const { points, jobs, journal } = await storedRecords(page);
    expect(points.map((p) => p.id).sort()).toEqual([...ids].sort());
    expect(new Set(points.map((p) => p.jobId)).size).toBe(points.length);
    const done = jobs.filter((j) => j.status === 'done').map((j) => j.id);
    expect(new Set(done).size).toBe(done.length);
    // The journal (one entry per job start and per committed result, across reloads).
    expect(journal.length).toBeGreaterThan(0);
    const committed = new Set<string>();
    for (const entry of journal) {
      const [type, jobId] = entry.split(':') as [string, string];
      expect(committed.has(jobId), `${entry} after that job was committed`).toBe(false);
      if (type === 'done') committed.add(jobId);
    }
    expect([...committed].sort()).toEqual([...done].sort());
    expect(s.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
    saveLogs('resilience-reload', s.logs);
  });
});
