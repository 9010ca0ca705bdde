// Launches Debian's Chromium headless with WebGPU enabled (SwiftShader on machines without a GPU) and
// collects page errors and worker console output so a failing test says what the page saw.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { screenshot } from './screen-check.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

export interface Session {
  context: BrowserContext;
  page: Page;
  logs: string[];
  close(): Promise<void>;
}

/**
 * A persistent context (its own profile folder), so IndexedDB survives reloads within one test. `extraArgs`
 * are added to Chromium's command line (the download test maps the dataset hosts to a local server with them).
 */
export async function openSession(baseUrl: string, extraArgs: string[] = []): Promise<Session> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'petridish-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    acceptDownloads: true,
    viewport: { width: 1360, height: 860 },
    baseURL: baseUrl,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const logs: string[] = [];
  const attach = (p: Page): void => {
    p.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
    p.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
    p.on('worker', (w) => w.on('console', (m) => logs.push(`[worker ${m.type()}] ${m.text()}`)));
  };
  attach(page);
  context.on('page', attach);
  return { context, page, logs, close: () => context.close() };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/**
 * Saves a full-page screenshot as a test artefact: artifacts/screenshots/NAME.png, for a failure's diagnosis
 * only; a screen a test reaches is checked with screen-check.ts's checkScreen (screenshot and axe-core scan).
 */
export function saveScreenshot(page: Page, name: string): Promise<string> {
  return screenshot(page, name);
}

export function saveLogs(name: string, logs: string[]): void {
  mkdirSync('test-results', { recursive: true });
  writeFileSync(join('test-results', `${name}.log`), logs.join('\n'));
}

/** A Chromium process started by the test itself, so the test can kill it outright (SIGKILL, whole group). */
export interface KillableBrowser {
  browser: Browser;
  page: Page;
  logs: string[];
  /** SIGKILLs the browser and every process it started (its process group); resolves once all are gone. */
  kill(): Promise<void>;
}

/**
 * Starts Debian's Chromium headless on the profile folder `userDataDir` (kept after a kill, so a second call
 * with the same folder finds the first one's IndexedDB) and connects to it over the DevTools protocol.
 */
export async function launchKillable(userDataDir: string): Promise<KillableBrowser> {
  const child = spawn(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', [...CHROMIUM_ARGS, '--headless', `--user-data-dir=${userDataDir}`, '--remote-debugging-port=0', '--window-size=1360,860', 'about:blank'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error('Chromium did not start');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(text);
      if (m?.[1]) {
        child.stderr?.off('data', onData);
        child.stderr?.resume();
        resolve(m[1]);
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`Chromium exited before it listened (code ${code}, signal ${signal}): ${text.slice(-2000)}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint);
  const context = browser.contexts()[0];
  if (!context) throw new Error('Chromium has no default context');
  const page = context.pages()[0] ?? (await context.newPage());
  const logs: string[] = [];
  page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => logs.push(`[worker ${m.type()}] ${m.text()}`)));
  const gone = (): boolean => {
    try {
      process.kill(-pgid, 0);
      return false;
    } catch {
      return true;
    }
  };
  return {
    browser,
    page,
    logs,
    kill: async () => {
      process.kill(-pgid, 'SIGKILL');
      await exited;
      // The group's other processes (renderers, GPU, utilities) end a moment after the browser process.
      await new Promise<void>((resolve) => {
        const check = (): void => void (gone() ? resolve() : setTimeout(check, 20));
        check();
      });
    },
  };
}
