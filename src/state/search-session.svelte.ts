// The page's reactive state: the device, the stored runs, the open run and its derived frontier. Views read
// it and call its methods; the work itself happens in src/runtime and the trainer workers.
import { bestModels } from '../core/pareto/best.ts';
import { buildFrontierExport, frontierMembership, parseFrontierExport, poolToCsv } from '../core/export/format.ts';
import { makePreset, type PresetOverrides } from '../core/presets.ts';
import { continueLimits } from '../core/scheduler/stop-rules.ts';
import type { SchedulerConfig } from '../core/scheduler/types.ts';
import type { PoolPoint } from '../core/search-types.ts';
import type { PresetName } from '../core/training/training-config.ts';
import type { DatasetSummary } from '../data/dataset.ts';
import type { BackendInfo } from '../ml/backend-types.ts';
import { DEFAULT_DB_NAME, openPetridishDb, type PetridishDb } from '../persistence/database/db.ts';
import { listDatasets } from '../persistence/repositories/dataset-repo.ts';
import { putPoint } from '../persistence/repositories/point-repo.ts';
import { requestPersistence, storageEstimate, type StorageUsage } from '../persistence/database/quota.ts';
import type { RunRecord } from '../persistence/database/records.ts';
import { deleteRun, listRuns, putRun } from '../persistence/repositories/run-repo.ts';
import { ensureBuiltinDataset, type DatasetProgress } from '../runtime/datasets/datasets.ts';
import { describeError } from '../runtime/describe-error.ts';
import { downloadText } from '../runtime/export/download.ts';
import { importedRunRecords } from '../runtime/run/import-run.ts';
import { RunController, type RunView } from '../runtime/run/run-controller.ts';
import { FinalController, type FinalView } from '../runtime/run/final-controller.ts';
import { listFinals } from '../persistence/repositories/final-repo.ts';
import type { FinalChoices } from '../core/final/final-spec.ts';
import type { FinalTraining } from '../core/final/final-types.ts';
import type { NamedWeights } from '../core/weights.ts';
import { getWeights } from '../persistence/repositories/weights-repo.ts';
import { buildModelZip } from '../runtime/export/model-zip.ts';
import { downloadBlob } from '../runtime/export/download.ts';
import type { ExportedModel, ModelFormat, PointDataRef, PredictResult } from '../shared/worker-api.ts';
import { DEFAULT_JOB_TIME_LIMIT_MS, WorkerPool } from '../runtime/workers/worker-pool.ts';
import { APP_VERSION, readTestHooks } from '../runtime/app-info.ts';
import { loadComparison } from '../runtime/compare-loader.ts';
import type { Comparison } from '../core/compare/compare-runs.ts';
import { acquireRunLock, type RunLock } from '../runtime/run/run-lock.ts';
import { openRunSignal, type RunSignal } from '../runtime/run/run-signal.ts';
import { probeBackend } from '../ml/backend-probe.ts';

export interface StartOptions {
  preset: PresetName;
  datasetId: string;
  strategy: 'petridish' | 'random';
  workers: number;
  budgetMadd: number | null;
  name?: string;
  /** Advanced settings merged into the preset (validated by makePreset, which names a bad field). */
  overrides?: PresetOverrides;
  /** What a time budget's sizing chose and why, shown on the run screen. */
  sizing?: string;
  /** The time budget the user asked for (seconds), for a run sized to a time budget; kept in the run record. */
  budgetSeconds?: number;
}

export class SearchSession {
  backend = $state.raw<BackendInfo | null>(null);
  backendError = $state.raw<string | null>(null);
  runs = $state.raw<RunRecord[]>([]);
  datasets = $state.raw<DatasetSummary[]>([]);
  view = $state.raw<RunView | null>(null);
  datasetProgress = $state.raw<DatasetProgress | null>(null);
  storage = $state.raw<StorageUsage | null>(null);
  persisted = $state.raw<boolean | null>(null);
  problems = $state.raw<string[]>([]);
  busy = $state.raw(false);
  selectedPointId = $state.raw<string | null>(null);
  /** The open run's final trainings and the progress of the running one (null before they are read). */
  finals = $state.raw<FinalView | null>(null);
  /** The sizing explanation of the run started last on this page (a time budget's choice), by run id. */
  sizing = $state.raw<{ runId: string; text: string } | null>(null);
  /** The stored runs being compared (their frontiers and numbers); null when no comparison is open. */
  comparison = $state.raw<Comparison | null>(null);
  /** Ids of the stored runs ticked for comparing. */
  comparePicks = $state.raw<string[]>([]);
  /** The database was closed for another tab's upgrade, or this tab's open waits for another tab: what to do. */
  dbNote = $state.raw<string | null>(null);
  /** Why the open run is read-only here (another tab drives it); null otherwise. */
  lockNote = $state.raw<string | null>(null);
  /** Why the last re-read of a run another tab drives failed (it is retried every few seconds); null once one works. */
  followNote = $state.raw<string | null>(null);
  /** Wall-time limit of one job (ms); a job that reaches it fails (and is retried once). Read by init(). */
  jobTimeLimitMs: number | null = DEFAULT_JOB_TIME_LIMIT_MS;

  /** Points with their hull and ε-band membership, for the plot and the tables. */
  frontier = $derived.by(() => {
    const v = this.view;
    if (!v) return { points: [] as PoolPoint[], hull: new Set<string>(), band: new Set<string>() };
    const points = v.state.pool;
    const m = frontierMembership(points, v.run.preset.eps);
    return { points, hull: new Set(m.hull), band: new Set(m.epsBand) };
  });
  best = $derived(this.view ? bestModels(this.view.state.pool, this.view.run.budgetMadd) : null);
  /** A run that was running when the page went away, offered for resuming. */
  interrupted = $derived(this.view ? null : (this.runs.find((r) => r.status === 'running' || r.status === 'paused') ?? null));

  private db: PetridishDb | null = null;
  private pool: WorkerPool | null = null;
  private controller: RunController | null = null;
  private finalController: FinalController | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  /** This tab's hold on the open run (one tab drives a run at a time). */
  private lock: RunLock | null = null;
  /**
   * The open run is ended and only viewed here, so this tab does not hold its lock (another tab may open it
   * too); the lock is taken when this tab starts to drive it (a final training, Continue). See `takeLock`.
   */
  private lockOnDemand = false;
  /** Actions that write (a final training's start, pause, resume or cancel; Continue) under way in this tab. */
  private acting = 0;
  /** Tells the other tabs when this tab saved a run's records, and hears when they saved one. */
  private signal: RunSignal | null = null;
  /** The run record and final trainings last told to the other tabs (a new object = a saved step). */
  private lastSaved: { run: unknown; finals: unknown } = { run: null, finals: null };
  /** A re-read of the viewed ended run is under way; `rereadAgain`: another tab saved meanwhile. */
  private rereading = false;
  private rereadAgain = false;
  private readonly dbName = DEFAULT_DB_NAME;
  private readonly hooks = readTestHooks();

  async init(): Promise<void> {
    try {
      this.db = await openPetridishDb({
        name: this.dbName,
        onVersionChange: () => {
          const note = 'Petridish was updated in another tab, so this tab closed its database and can no longer save. Reload this page to continue; the run goes on from what was saved.';
          this.dbNote = note;
          void this.controller?.halt("Not saved from now on: the database was closed for another tab's upgrade. Reload this page to continue.");
        },
        onBlocked: () => {
          this.dbNote = 'Another Petridish tab still has an older version of the database open, so this tab is waiting. Close or reload that tab and this one continues.';
        },
      });
      this.dbNote = null;
    } catch (e) {
      this.fail(`IndexedDB could not be opened, so nothing can be saved: ${describeError(e)}`);
      return;
    }
    this.pool = new WorkerPool({
      size: 1,
      createWorker: () => new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), { type: 'module', name: 'trainer' }),
      jobTimeLimitMs: this.jobTimeLimitMs,
      init: this.hooks.backendOrder ? { order: this.hooks.backendOrder } : undefined,
      onBackend: (info) => {
        this.backend = info;
        this.backendError = null;
      },
      onBackendError: (e) => (this.backendError = describeError(e)),
    });
    // The trainer worker starts only when a measurement, a search, a final training, a quick check or a model
    // download needs it (the pool starts one for its first request). Until then the device panel shows the
    // backend it will take, found in the page without a worker; the worker's own report replaces it.
    const order = this.hooks.backendOrder ? { order: this.hooks.backendOrder } : undefined;
    void probeBackend(order).then(
      (info) => {
        if (!this.backend) this.backend = info;
      },
      (e: unknown) => {
        if (!this.backend) this.backendError = describeError(e);
      },
    );
    this.signal = openRunSignal((runId) => this.heardSaved(runId));
    void requestPersistence().then((p) => (this.persisted = p));
    await this.refresh();
  }

  /** The open database, its name and the trainer pool, for the dataset picker and the calibration (null before init). */
  get resources(): { db: PetridishDb; dbName: string; pool: WorkerPool } | null {
    return this.db && this.pool ? { db: this.db, dbName: this.dbName, pool: this.pool } : null;
  }

  /** TF.js memory of the started trainer workers (empty before the first starts). */
  workerMemory(): Promise<{ numTensors: number; numBytes: number }[]> {
    return this.pool ? this.pool.memory() : Promise.resolve([]);
  }

  async refresh(): Promise<void> {
    if (!this.db) return;
    const runs = await listRuns(this.db);
    const datasets = await listDatasets(this.db);
    this.runs = runs.records;
    this.datasets = datasets.records;
    this.addProblems([...runs.problems, ...datasets.problems].map((p) => `${p.store} ${p.key}: ${p.message} (skipped)`));
    this.storage = await storageEstimate();
  }

  async start(opts: StartOptions): Promise<void> {
    const db = this.requireDb();
    await this.guard(async () => {
      const dataset = await ensureBuiltinDataset(db, opts.datasetId, (p) => (this.datasetProgress = p));
      this.datasetProgress = null;
      const preset = makePreset(opts.preset, { ...opts.overrides, ...(this.hooks.maxPoolSize ? { maxPoolSize: this.hooks.maxPoolSize } : {}) });
      const id = `run-${Date.now().toString(36)}`;
      const config: SchedulerConfig = {
        runId: id,
        strategy: opts.strategy,
        preset,
        input: { height: dataset.shape.height, width: dataset.shape.width, channels: dataset.shape.channels },
        numClasses: dataset.numClasses,
        workers: opts.workers,
        budgetMadd: opts.budgetMadd,
      };
      const run = { id, name: opts.name ?? `${dataset.name} · ${opts.preset} · ${new Date().toLocaleString()}`, strategy: opts.strategy, preset, dataset, budgetMadd: opts.budgetMadd, workers: opts.workers,
        ...(opts.budgetSeconds ? { budgetSeconds: opts.budgetSeconds } : {}) };
      this.sizing = opts.sizing ? { runId: id, text: opts.sizing } : null;
      const held = await acquireRunLock(id);
      const lock = 'lock' in held ? held.lock : null;
      try {
        this.attach(await RunController.create(this.deps(), { run, config }), lock, true);
      } catch (e) {
        lock?.release();
        throw e;
      }
    });
  }

  /**
   * Opens a stored run. The tab that drives a run (its search, or a final training, which also runs on a
   * finished or read-only run) holds the run's lock; when another tab holds it, the run opens read-only here
   * with its final trainings only listed, refreshed every few seconds, and `lockNote` says why. An ended run
   * (finished or stopped) opened only to be viewed, with no final training to continue, keeps no lock, so
   * other tabs can open it too; starting a final training takes the lock then (`finalsDriver`).
   */
  async open(runId: string, readOnly: boolean): Promise<void> {
    await this.guard(async () => {
      const held = await acquireRunLock(runId);
      if ('heldElsewhere' in held) {
        this.attach(await RunController.open(this.deps(), runId, { readOnly: true }), null, false);
        this.showDrivenElsewhere(runId);
        return;
      }
      const lock = 'lock' in held ? held.lock : null;
      try {
        const c = await RunController.open(this.deps(), runId, { readOnly });
        // A run whose dataset was deleted has nothing to drive here (search or final training): no lock is kept.
        const drivable = !c.view.datasetGone && c.view.run.status !== 'imported';
        // A run not ended (running or paused when its page went away) stays locked while viewed, so another
        // tab cannot resume it behind this view.
        const ended = c.view.run.status === 'finished' || c.view.run.status === 'stopped';
        const drives = drivable && (!c.readOnly || !ended || (await this.hasFinalToContinue(runId)));
        if (!drives) lock?.release();
        this.attach(c, drives ? lock : null, drives);
        this.lockOnDemand = drivable && !drives;
      } catch (e) {
        lock?.release();
        throw e;
      }
    });
  }

  /**
   * The banner's Resume: opens the run, and when it was paused (not interrupted, which continues on opening)
   * resumes it too, so one press sets it running. A run driven in another tab opens read-only, as `open` does.
   */
  async resumeRun(runId: string): Promise<void> {
    await this.open(runId, false);
    const c = this.controller;
    if (c && !c.readOnly && c.view.run.id === runId && c.view.state.status === 'paused') await this.guard(() => c.resume());
  }

  /** Whether the run has a final training that opening it continues (queued or running when the page went away). */
  private async hasFinalToContinue(runId: string): Promise<boolean> {
    const { records } = await listFinals(this.requireDb(), runId);
    return records.some((t) => t.status === 'running' || t.status === 'queued');
  }

  /**
   * The open run is driven by another tab: say so, re-read it every few seconds, and stop this tab's idle
   * trainer workers, if an earlier job here started one (it trains nothing now; a worker starts again when a
   * job here needs one).
   */
  private showDrivenElsewhere(runId: string): void {
    this.lockNote = 'This run is open in another tab of this browser, which drives it (its search and final trainings), so it is shown read-only here and refreshed every few seconds. Close it there (or close that tab) to drive it from this tab.';
    this.pool?.stopIdle();
    this.follow(runId);
  }

  /** Re-reads a run another tab drives, every few seconds, while it stays open here; a failed re-read is shown. */
  private follow(runId: string): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = setInterval(() => {
      void RunController.open(this.deps(), runId, { readOnly: true }).then(
        (c) => {
          if (this.view?.run.id !== runId || !this.controller?.readOnly) return;
          this.controller = c;
          this.view = c.view;
          this.followNote = null;
          void this.attachFinals(c, false);
        },
        (e: unknown) => {
          if (this.view?.run.id !== runId) return;
          this.followNote = `This run could not be re-read at ${new Date().toLocaleTimeString()}, so what is shown may be out of date (tried again every few seconds): ${describeError(e)}`;
        },
      );
    }, 5000);
  }

  async close(): Promise<void> {
    const c = this.controller;
    if (c && !c.readOnly && c.view.state.status === 'running') await c.pause();
    // A final training that is running stops at its next batch and continues from its checkpoint next time.
    const f = this.finalController;
    for (const t of f?.view.trainings ?? []) if (t.status === 'running' || t.status === 'queued') await f?.pause(t.id);
    this.detach();
    await this.refresh();
  }

  pause = (): Promise<void> | undefined => this.controller?.pause();
  resume = (): Promise<void> | undefined => this.controller?.resume();
  stop = (): Promise<void> | undefined => this.controller?.stop();

  /** Continues the open ended run, raising the stop rules it reached (see continueLimits). */
  continueRun = (): Promise<void> =>
    this.guard(() =>
      this.acts(async () => {
        const c = this.controller;
        if (!c) throw new Error('no run is open');
        // The tab let the ended run's lock go: take it again before the search goes on.
        if (!(await this.takeLock(c))) throw new Error('the run cannot be continued in this tab: another tab of this browser drives it now, so continue it there');
        const s = c.view.state;
        await c.continueRun(continueLimits(s.config.preset, s.pool, s.elapsedSeconds));
      }),
    );

  /** Opens a stored finished or stopped run and continues it (the lock taken to open it is kept for that). */
  async continueStored(runId: string): Promise<void> {
    await this.acts(async () => {
      await this.open(runId, false);
      if (this.view?.run.id === runId && !this.view.readOnly) await this.continueRun();
    });
  }

  async remove(runId: string): Promise<void> {
    if (this.view?.run.id === runId) this.detach();
    await this.guard(async () => deleteRun(this.requireDb(), runId));
    await this.refresh();
  }

  /** Opens the comparison of stored runs `ids` (two or more); unreadable point records are reported. */
  async compare(ids: string[]): Promise<void> {
    await this.guard(async () => {
      const { comparison, problems } = await loadComparison(this.requireDb(), ids);
      this.addProblems(problems.map((p) => `${p.store} ${p.key}: ${p.message} (skipped)`));
      this.comparison = comparison;
    });
  }

  pickForComparing(id: string, on: boolean): void {
    this.comparePicks = on ? [...new Set([...this.comparePicks, id])] : this.comparePicks.filter((p) => p !== id);
  }

  closeComparison(): void {
    this.comparison = null;
  }

  exportJson(): void {
    const v = this.view;
    if (!v) return;
    let data: ReturnType<typeof buildFrontierExport>;
    try {
      data = buildFrontierExport({ run: v.run, points: v.state.pool, exportedAt: Date.now(), appVersion: APP_VERSION });
    } catch (e) {
      // The export refuses to write a file it could not import; say why instead of failing in silence.
      this.fail(describeError(e));
      return;
    }
    downloadText(`petridish-${v.run.id}-frontier.json`, JSON.stringify(data, null, 2), 'application/json');
  }

  exportCsv(): void {
    const v = this.view;
    if (!v) return;
    const { hull, band } = this.frontier;
    downloadText(`petridish-${v.run.id}-pool.csv`, poolToCsv(v.state.pool, { hull: [...hull], epsBand: [...band] }), 'text/csv');
  }

  /** Opens an exported frontier JSON read-only, after validating it. */
  async importJson(file: File): Promise<void> {
    const db = this.requireDb();
    await this.guard(async () => {
      let json: unknown;
      try {
        json = JSON.parse(await file.text());
      } catch (e) {
        throw new Error(`${file.name} is not JSON: ${describeError(e)}`);
      }
      const data = parseFrontierExport(json);
      const now = Date.now();
      const id = `import-${now.toString(36)}`;
      const { run, points } = importedRunRecords(data, id, now);
      await putRun(db, run);
      for (const point of points) await putPoint(db, point);
      this.attach(await RunController.open(this.deps(), id, { readOnly: true }), null, false);
    });
  }

  /** Shows `c`'s run; `finalsHere`: this tab drives the run's final trainings (false: another tab does, or none can run). */
  private attach(c: RunController, lock: RunLock | null, finalsHere: boolean): void {
    this.detach();
    this.lock = lock;
    this.controller = c;
    this.view = c.view;
    this.selectedPointId = null;
    // The run's "workers" setting: jobs its scheduler dispatched beyond one start as soon as the pool grows.
    if (!c.readOnly) this.pool?.resize(c.view.run.workers);
    if (!c.readOnly) this.ticker = setInterval(() => void c.tick(), 5000);
    void this.attachFinals(c, finalsHere);
    void this.refresh();
  }

  /**
   * Reads the run's final trainings, and a running one continues from its checkpoint. A final training adds
   * to a run without changing its search, so a finished (read-only) run gets them too; an imported one has no
   * weights and only lists them.
   */
  private async attachFinals(c: RunController, finalsHere: boolean): Promise<void> {
    const run = c.view.run;
    try {
      // An imported run, or one whose dataset was deleted, has nothing a final training could read; a run that
      // another tab drives has its final trainings run there. Listed only.
      if (!finalsHere || run.status === 'imported' || c.view.datasetGone) {
        const stored = await listFinals(this.requireDb(), run.id);
        if (this.controller === c) this.finals = { trainings: stored.records, live: {}, problems: stored.problems.map((p) => `${p.store} ${p.key}: ${p.message}`) };
        return;
      }
      const pool = this.pool;
      if (!pool) throw new Error('the worker pool is not ready');
      // Counted as an action, so the lock is not let go while the trainings it may continue are read back.
      await this.acts(() => this.openFinals(c, pool));
    } catch (e) {
      this.fail(`the final trainings of this run could not be read: ${describeError(e)}`);
    }
  }

  /** Opens the controller of `c`'s final trainings for this tab to drive (it holds the run's lock). */
  private async openFinals(c: RunController, pool: WorkerPool): Promise<void> {
    const run = c.view.run;
    // Told of changes while it opens too, before `open` returns; only the attached controller's count.
    let opened: FinalController | null = null;
    const fc = await FinalController.open({ db: this.requireDb(), dbName: this.dbName, runner: pool, now: () => Date.now(),
      onChange: (v) => {
        this.toldSaved(run.id, 'finals', v.trainings);
        if (opened !== null && this.finalController === opened) {
          this.finals = v;
          this.settleLock();
        }
      } }, run);
    opened = fc;
    if (this.controller !== c) {
      // The run was closed meanwhile: stop what the reopen started.
      for (const t of fc.view.trainings) if (t.status === 'running') await fc.pause(t.id);
      return;
    }
    this.finalController = fc;
    this.finals = fc.view;
  }

  /**
   * The controller of the open run's final trainings, for this tab to drive them. A run only viewed here
   * (`lockOnDemand`) takes its lock first; when another tab has taken it meanwhile, the run turns read-only
   * here, says why, and null is returned.
   */
  private async finalsDriver(): Promise<FinalController | null> {
    if (this.finalController) return this.finalController;
    const c = this.controller;
    if (!c || !this.lockOnDemand) return null;
    if (!(await this.takeLock(c))) return null;
    await this.attachFinals(c, true);
    return this.finalController;
  }

  /**
   * Takes the lock of `c`'s run for an action that writes, when this tab views it without the lock
   * (`lockOnDemand`); true when this tab may drive the run. When another tab has taken it meanwhile, the run
   * turns read-only here, says why, and false is returned.
   */
  private async takeLock(c: RunController): Promise<boolean> {
    if (!this.lockOnDemand) return this.controller === c;
    const runId = c.view.run.id;
    const held = await acquireRunLock(runId);
    if (this.controller !== c || !this.lockOnDemand) {
      if ('lock' in held) held.lock.release();
      return false;
    }
    if ('heldElsewhere' in held) {
      this.lockOnDemand = false;
      if (!c.readOnly) {
        // The tab that ran the search still shows it drivable (Continue): show what is stored, read-only.
        const ro = await RunController.open(this.deps(), runId, { readOnly: true });
        if (this.controller !== c) return false;
        this.controller = ro;
        this.view = ro.view;
      }
      this.showDrivenElsewhere(runId);
      return false;
    }
    this.lock = 'lock' in held ? held.lock : null;
    this.lockOnDemand = false;
    if (!c.readOnly && !this.ticker) this.ticker = setInterval(() => void c.tick(), 5000);
    return true;
  }

  /**
   * An ended run (finished or stopped) needs no lock to be viewed: once its search has ended and no final
   * training runs or waits here, this tab lets the lock go, so another tab can drive the run too (a final
   * training, Continue); the next action here that writes takes it again (`takeLock`). The final trainings
   * stay listed as last seen and are re-read when another tab saves the run (`heardSaved`).
   */
  private settleLock(): void {
    const c = this.controller;
    if (!this.lock || !c || this.acting > 0) return;
    const status = c.view.state.status;
    if ((status !== 'finished' && status !== 'stopped') || c.view.fault !== null) return;
    const f = this.finalController;
    if (f?.view.trainings.some((t) => t.status === 'running' || t.status === 'queued')) return;
    this.lock.release();
    this.lock = null;
    this.lockOnDemand = true;
    // Only a tab that holds the lock may run final trainings: the next one goes through `finalsDriver`.
    this.finalController = null;
    if (f) this.finals = { trainings: f.view.trainings, live: {}, problems: f.view.problems };
    // The clock ticks of an ended run change nothing.
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  /** Runs an action that writes with `acting` counted, so the lock stays for it; then lets it go if the run is idle. */
  private async acts(body: () => Promise<void>): Promise<void> {
    this.acting += 1;
    try {
      await body();
    } finally {
      this.acting -= 1;
      this.settleLock();
    }
  }

  /** Another tab saved run `runId`: when this tab views it without its lock, re-read it now. */
  private heardSaved(runId: string): void {
    if (this.view?.run.id === runId && this.lockOnDemand && !this.lock) void this.rereadViewed(runId);
  }

  /** Whether `runId` is still open here, ended and viewed without its lock. */
  private viewsUnlocked(runId: string): boolean {
    return this.view?.run.id === runId && this.lockOnDemand && !this.lock;
  }

  /**
   * Re-reads the ended run this tab views without its lock (its final trainings, and the run when another
   * tab changed it); saves heard while a re-read runs lead to one more. A run that is no longer ended (another
   * tab continued it) is followed as one driven elsewhere. A failed re-read is shown until one works.
   */
  private async rereadViewed(runId: string): Promise<void> {
    if (this.rereading) {
      this.rereadAgain = true;
      return;
    }
    this.rereading = true;
    try {
      do {
        this.rereadAgain = false;
        const fresh = await RunController.open(this.deps(), runId, { readOnly: true });
        const current = this.controller;
        if (!this.viewsUnlocked(runId) || !current) return;
        // The tab that ran the search keeps its drivable view (Continue) while the stored run is the same.
        const next = current.readOnly || fresh.view.run.updatedAt !== current.view.run.updatedAt ? fresh : current;
        if (next !== current) {
          this.controller = next;
          this.view = next.view;
        }
        const status = next.view.state.status;
        if (status !== 'finished' && status !== 'stopped') {
          this.lockOnDemand = false;
          this.showDrivenElsewhere(runId);
          return;
        }
        await this.attachFinals(next, false);
        if (this.viewsUnlocked(runId)) this.followNote = null;
      } while (this.rereadAgain);
    } catch (e) {
      if (this.view?.run.id === runId) {
        this.followNote = `This run could not be re-read at ${new Date().toLocaleTimeString()}, so what is shown may be out of date (tried again when another tab saves it): ${describeError(e)}`;
      }
    } finally {
      this.rereading = false;
    }
  }

  /**
   * Tells the other tabs that `runId` was saved when a controller of this tab that writes shows a new run
   * record or list of final trainings: both change only once a step is stored.
   */
  private toldSaved(runId: string, part: 'run' | 'finals', value: unknown): void {
    if (this.lastSaved[part] === value) return;
    this.lastSaved[part] = value;
    this.signal?.saved(runId);
  }

  private finalUnavailable(): void {
    this.fail(this.lockNote
      ? 'final training is not available in this tab: another tab of this browser drives this run, so start it there'
      : 'final training is not available for this run (it is imported, or still opening)');
  }

  /** Starts a final training of `point` (Archai's evaluation stage) with the user's width and epochs. */
  async startFinal(point: PoolPoint, choices: FinalChoices): Promise<void> {
    await this.withFinals(async (fc) => {
      await fc.request(point, choices);
    });
  }

  private async withFinals(act: (fc: FinalController) => Promise<void>): Promise<void> {
    await this.guard(() =>
      this.acts(async () => {
        const fc = await this.finalsDriver();
        if (!fc) return this.finalUnavailable();
        await act(fc);
      }),
    );
  }

  pauseFinal = (id: string): Promise<void> => this.withFinals((fc) => fc.pause(id));
  resumeFinal = (id: string): Promise<void> => this.withFinals((fc) => fc.resume(id));
  cancelFinal = (id: string): Promise<void> => this.withFinals((fc) => fc.cancel(id));

  /** Downloads a finished final model as a zip, like a pool point (normalisation of the whole training split). */
  async exportFinal(t: FinalTraining, format: ModelFormat = 'tfjs'): Promise<void> {
    const v = this.view;
    const pool = this.pool;
    const r = t.result;
    if (!v || !pool || !r) throw new Error('no finished final training to download');
    const proxy = v.state.pool.find((p) => p.id === t.pointId);
    await this.guard(async () => {
      const { record: weights, problems } = await getWeights(this.requireDb(), r.weightsKey);
      if (!weights) throw new Error(`the weights of final model ${t.id} could not be read${problems.length ? `: ${problems.map((p) => p.message).join('; ')}` : ''}`);
      const ref: PointDataRef = { dbName: this.dbName, id: v.run.dataset.id, preset: v.run.preset, stage: 'final' };
      const model = await pool.call<ExportedModel>((api) => api.exportModel(t.desc, weights, ref, format) as Promise<ExportedModel>);
      const zip = buildModelZip(model, { pointId: t.id, datasetName: v.run.dataset.name, classNames: v.run.dataset.classNames, desc: t.desc,
        madd: r.madd, params: r.params, validationError: proxy?.error ?? NaN, kind: 'final',
        test: { testAcc: r.testAcc, testCount: r.testCount, testSource: r.testSource } });
      downloadBlob(`petridish-${t.id}-${format}.zip`, new Blob([zip], { type: 'application/zip' }));
    });
  }

  private detach(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.lock?.release();
    this.lock = null;
    this.lockOnDemand = false;
    this.lockNote = null;
    this.followNote = null;
    this.controller = null;
    this.view = null;
    this.finalController = null;
    this.finals = null;
  }

  private deps() {
    const pool = this.pool;
    if (!pool) throw new Error('the worker pool is not ready');
    return {
      db: this.requireDb(),
      dbName: this.dbName,
      runner: pool,
      now: () => Date.now(),
      onChange: (v: RunView) => {
        if (!v.readOnly) this.toldSaved(v.run.id, 'run', v.run);
        if (this.controller && v.run.id === this.controller.view.run.id) {
          this.view = v;
          this.settleLock();
        }
      },
      crashFirstJobAfterBatches: this.hooks.crashFirstJobAfterBatches,
      journal: this.hooks.journal === true,
      hasDataset: async (id: string) => (await listDatasets(this.requireDb())).records.some((d) => d.id === id),
      ...(this.hooks.checkpointIntervalMs !== undefined ? { checkpointIntervalMs: this.hooks.checkpointIntervalMs } : {}),
    };
  }

  private requireDb(): PetridishDb {
    if (!this.db) throw new Error('IndexedDB is not open');
    return this.db;
  }

  private async guard(body: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    try {
      await body();
    } catch (e) {
      this.fail(describeError(e));
    } finally {
      this.busy = false;
    }
  }

  private fail(message: string): void {
    this.addProblems([message]);
  }

  private addProblems(list: string[]): void {
    if (list.length) this.problems = [...this.problems, ...list];
  }

  /** The trained weights of a pool point, from IndexedDB. */
  async pointWeights(point: PoolPoint): Promise<NamedWeights> {
    if (!point.weightsKey) throw new Error(`point ${point.id} has no stored weights (imported runs carry none)`);
    const { record, problems } = await getWeights(this.requireDb(), point.weightsKey);
    if (!record) throw new Error(`the weights of point ${point.id} could not be read${problems.length ? `: ${problems.map((p) => p.message).join('; ')}` : ''}`);
    return record;
  }

  private pointDataRef(point: PoolPoint): PointDataRef {
    const v = this.view;
    if (!v) throw new Error('no run is open');
    return { dbName: this.dbName, id: v.run.dataset.id, preset: v.run.preset, stage: point.stage };
  }

  /**
   * Downloads the point as a zip: a standard TF.js layers model or an ONNX file (raw pixels in, both built
   * in the page), plus a README with its numbers and how to load it.
   */
  async exportModel(point: PoolPoint, format: ModelFormat = 'tfjs'): Promise<void> {
    const v = this.view;
    const pool = this.pool;
    if (!v || !pool) throw new Error('no run is open');
    const weights = await this.pointWeights(point);
    const model = await pool.call<ExportedModel>((api) => api.exportModel(point.desc, weights, this.pointDataRef(point), format) as Promise<ExportedModel>);
    const zip = buildModelZip(model, {
      pointId: point.id, datasetName: v.run.dataset.name, classNames: v.run.dataset.classNames, desc: point.desc,
      madd: point.madd, params: point.params, validationError: point.error, kind: 'proxy',
      test: point.testAcc !== undefined && point.testCount !== undefined && point.testSource !== undefined
        ? { testAcc: point.testAcc, testCount: point.testCount, testSource: point.testSource }
        : null,
    });
    downloadBlob(`petridish-${point.id}-${format}.zip`, new Blob([zip], { type: 'application/zip' }));
  }

  /** Our network's predictions on `count` of the run's test examples (inference mode, normalised as in training). */
  async predictPoint(point: PoolPoint, count: number): Promise<PredictResult> {
    const pool = this.pool;
    if (!pool) throw new Error('the worker pool is not ready');
    const weights = await this.pointWeights(point);
    return pool.call((api) => api.predict(point.desc, weights, this.pointDataRef(point), count));
  }

  dismissProblems(): void {
    this.problems = [];
  }
}
