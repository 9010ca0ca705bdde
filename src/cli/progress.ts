// A hand-written progress bar on stderr for the headless runner: one line, redrawn in place on a TTY and
// printed at most every few seconds otherwise, so logs stay readable.

export interface ProgressState {
  /** Points in the pool so far and the pool size the search stops at (null: no pool limit). */
  points: number;
  maxPoints: number | null;
  job: string;
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
}

const WIDTH = 24;

/** The bar's text, e.g. `[#########...............] 3/8 points | j0004 search e1/1 b2/2 loss 2.301`. */
export function formatProgress(s: ProgressState): string {
  const jobFraction = s.batches > 0 ? (s.epoch - 1 + s.batch / s.batches) / Math.max(1, s.epochs) : 0;
  const fraction = s.maxPoints ? Math.min(1, (s.points + Math.max(0, jobFraction)) / s.maxPoints) : 0;
  const filled = Math.round(fraction * WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}]`;
  const loss = Number.isFinite(s.loss) ? s.loss.toFixed(3) : '-';
  return `${bar} ${s.points}/${s.maxPoints ?? '∞'} points | ${s.job} e${s.epoch}/${s.epochs} b${s.batch}/${s.batches} loss ${loss}`;
}

export interface ProgressBar {
  update(s: ProgressState): void;
  /** Prints a line above the bar (job finished, backend chosen …); nothing when the bar is off (--quiet). */
  log(line: string): void;
  /** Prints a line above the bar even when the bar is off: the outcome of the search, which --quiet keeps. */
  say(line: string): void;
  done(): void;
}

export function createProgressBar(stream: NodeJS.WriteStream, enabled: boolean, now: () => number = Date.now): ProgressBar {
  const tty = Boolean(stream.isTTY);
  let last = 0;
  let drawn = false;
  const clear = (): void => {
    if (tty && drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    update(s) {
      if (!enabled) return;
      const t = now();
      if (!tty && t - last < 5000) return;
      last = t;
      if (tty) {
        stream.write(`\r\x1b[2K${formatProgress(s)}`);
        drawn = true;
      } else {
        stream.write(`${formatProgress(s)}\n`);
      }
    },
    log(line) {
      if (!enabled) return;
      clear();
      stream.write(`${line}\n`);
    },
    say(line) {
      clear();
      stream.write(`${line}\n`);
    },
    done() {
      clear();
    },
  };
}
