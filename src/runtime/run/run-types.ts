// The run controller's public types (runner, live job progress, the view it publishes, its dependencies) and
// the small helpers that map between a stored run and the scheduler.
import type { SchedulerConfig, SchedulerState } from '../../core/scheduler/types.ts';
import type { PetridishDb } from '../../persistence/database/db.ts';
import type { CurveRecord, RunRecord, RunStatus } from '../../persistence/database/records.ts';
import type { WorkerJobOutcome, WorkerJobRequest, WorkerProgress } from '../../shared/worker-api.ts';
import type { JobCallbacks } from '../workers/worker-pool.ts';

/** What runs a job: the worker pool in the page, or a fake in tests. */
export interface JobRunner {
  run(request: WorkerJobRequest, cb: JobCallbacks, transfer?: Transferable[]): Promise<WorkerJobOutcome>;
  cancel(jobId: string): void;
}

/** A running job as the page sees it: its latest progress report, its timing and the epochs it finished. */
export interface LiveJob extends Omit<WorkerProgress, 'metrics'> {
  startedAt: number;
  updatedAt: number;
  history: NonNullable<WorkerProgress['metrics']>[];
}

export interface RunView {
  run: RunRecord;
  state: SchedulerState;
  live: Record<string, LiveJob>;
  readOnly: boolean;
  /** Records that could not be read back, and errors the run hit; shown to the user, never fatal. */
  problems: string[];
  /**
   * Training curves of the run's finished jobs, every kind (a search job's too, which leaves no pool point), as
   * stored: they outlive a reload. Runs stored before curves were kept have only their pool points' histories.
   */
  curves: CurveRecord[];
  /** Tensors left behind by the last job in its worker (must be 0). */
  lastLeak: number;
  /**
   * Set while the run is paused because a write failed: what was not saved and what to do. Resume writes the
   * unsaved steps first; null when saving works.
   */
  fault: string | null;
  /**
   * Set when the run's dataset is no longer stored in this browser (deleted): why the run is open read-only and
   * what would bring it back. Absent or null otherwise.
   */
  datasetGone?: string | null;
}

export interface ControllerDeps {
  db: PetridishDb;
  dbName: string;
  runner: JobRunner;
  now: () => number;
  onChange: (view: RunView) => void;
  /** Test hook: the first job dispatched crashes its worker after this many batches. */
  crashFirstJobAfterBatches?: number;
  /** Test hook: told when a job is handed to the runner and when its result is committed as done. */
  onJobEvent?: (event: { type: 'start' | 'done'; jobId: string }) => void;
  /**
   * Test hook: keep a journal of job starts and committed results in IndexedDB (`meta`, see step-repo.ts),
   * written in the same transaction as what each entry records, so it holds under a killed browser.
   */
  journal?: boolean;
  /** How often a running job checkpoints inside an epoch (ms of training); the trainer's default otherwise. */
  checkpointIntervalMs?: number;
  /**
   * Whether a dataset is stored in this browser. When given, a run whose dataset is not (it was deleted) opens
   * read-only, with `RunView.datasetGone` saying so, instead of starting jobs that cannot read their data.
   */
  hasDataset?: (id: string) => Promise<boolean>;
}

export interface NewRunOptions {
  run: Omit<RunRecord, 'snapshot' | 'createdAt' | 'updatedAt' | 'status'>;
  config: SchedulerConfig;
}

export function runStatusOf(state: SchedulerState): RunStatus {
  if (state.status === 'finished' || state.status === 'stopped' || state.status === 'paused') return state.status;
  return 'running';
}

export function configOf(run: RunRecord): SchedulerConfig {
  return {
    runId: run.id,
    strategy: run.strategy,
    preset: run.preset,
    input: { height: run.dataset.shape.height, width: run.dataset.shape.width, channels: run.dataset.shape.channels },
    numClasses: run.dataset.numClasses,
    workers: run.workers,
    budgetMadd: run.budgetMadd,
  };
}

export { weightsKeyOf } from '../../core/scheduler/jobs.ts';
