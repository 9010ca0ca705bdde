// Worker idle fraction from the app's job marks: over the span from the first job start to the last job end
// (a span in which the search always had work left), the share of time no job was on the worker.

export interface Mark {
  name: string;
  /** ms since the document's navigation start */
  at: number;
  detail: string;
}

export interface IdleFigure {
  jobs: number;
  spanMs: number;
  busyMs: number;
  idleMs: number;
  fraction: number;
  /** Idle gaps between one job's end and the next job's start, in order. */
  gapsMs: number[];
}

/** Pairs petridish:job-start/job-end marks by job id; a job without an end (interrupted) is left out. */
export function idleFraction(marks: Mark[]): IdleFigure {
  const starts = new Map<string, number>();
  const intervals: [number, number][] = [];
  for (const m of [...marks].sort((a, b) => a.at - b.at)) {
    if (m.name === 'petridish:job-start') starts.set(m.detail, m.at);
    if (m.name === 'petridish:job-end') {
      const s = starts.get(m.detail);
      if (s !== undefined) intervals.push([s, m.at]);
      starts.delete(m.detail);
    }
  }
  intervals.sort((a, b) => a[0] - b[0]);
  const gapsMs: number[] = [];
  let busyMs = 0;
  let reach = -Infinity;
  for (const [s, e] of intervals) {
    // Union of the busy intervals, so overlapping jobs (more than one worker) are not counted twice.
    if (s > reach && reach !== -Infinity) gapsMs.push(s - reach);
    busyMs += Math.max(0, e - Math.max(s, reach));
    reach = Math.max(reach, e);
  }
  const first = intervals[0];
  const spanMs = first ? reach - first[0] : 0;
  const idleMs = spanMs - busyMs;
  return { jobs: intervals.length, spanMs, busyMs, idleMs, fraction: spanMs > 0 ? idleMs / spanMs : 0, gapsMs };
}
