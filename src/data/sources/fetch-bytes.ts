// Fetches files as bytes with byte-level progress (from Content-Length), turning network and HTTP failures into
// DatasetErrors that say what to do instead.
import { DatasetError } from '../errors.ts';

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export interface ByteProgress {
  /** Bytes received so far, over all files. */
  loaded: number;
  /** Expected bytes over all files (Content-Length where known, else the catalogue's size), null if unknown. */
  total: number | null;
  /** The file being received. */
  file: string;
}

export interface RemoteFile {
  name: string;
  url: string;
  /** Size the catalogue expects, used for progress until the server's Content-Length is known. */
  expectedBytes?: number;
}

/** The host could not be reached at all (network failure, or a cross-origin read the host does not allow). */
export class UnreachableError extends DatasetError {
  /** What fetch reported. */
  readonly detail: string;

  constructor(file: string, problem: string, detail: string, options?: { cause?: unknown }) {
    super(file, problem, options);
    this.detail = detail;
  }
}

function isAbort(e: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (e instanceof Error && e.name === 'AbortError');
}

async function readBody(res: Response, onChunk: (n: number) => void): Promise<Uint8Array> {
  if (!res.body) {
    const all = new Uint8Array(await res.arrayBuffer());
    onChunk(all.length);
    return all;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    onChunk(value.length);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Where a failure came from, so the message can point the user at the right fix. */
export interface FailureHint {
  /** Appended to network errors, e.g. "the host may not allow cross-origin requests; upload the files instead". */
  network: string;
}

async function fetchOne(f: RemoteFile, fetchFn: FetchFn, hint: FailureHint, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetchFn(f.url, signal ? { signal } : {});
  } catch (e) {
    if (isAbort(e, signal)) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new UnreachableError(f.name, `could not download ${f.url} (${detail}): ${hint.network}`, detail, { cause: e });
  }
  if (!res.ok) throw new DatasetError(f.name, `the server answered ${res.status} ${res.statusText} for ${f.url}: ${hint.network}`);
  return res;
}

/** Fetches the files one after another; progress counts bytes over all of them. */
export async function fetchFiles(files: RemoteFile[], fetchFn: FetchFn, hint: FailureHint, onProgress?: (p: ByteProgress) => void, signal?: AbortSignal): Promise<Uint8Array[]> {
  const sizes: (number | null)[] = files.map((f) => f.expectedBytes ?? null);
  let loaded = 0;
  const out: Uint8Array[] = [];
  for (const [i, f] of files.entries()) {
    const res = await fetchOne(f, fetchFn, hint, signal);
    const length = Number(res.headers.get('Content-Length'));
    if (Number.isFinite(length) && length > 0 && !res.headers.get('Content-Encoding')) sizes[i] = length;
    const total = sizes.every((s) => s !== null) ? sizes.reduce<number>((a, s) => a + (s ?? 0), 0) : null;
    onProgress?.({ loaded, total, file: f.name });
    try {
      out.push(await readBody(res, (n) => {
        loaded += n;
        onProgress?.({ loaded, total, file: f.name });
      }));
    } catch (e) {
      if (isAbort(e, signal)) throw e;
      const detail = e instanceof Error ? e.message : String(e);
      throw new DatasetError(f.name, `the download of ${f.url} broke off (${detail}): ${hint.network}`, { cause: e });
    }
  }
  return out;
}
